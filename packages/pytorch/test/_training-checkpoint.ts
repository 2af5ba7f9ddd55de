import { narrowFloat16 } from "@reparam/core";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { PyDict, PyGlobal, PyInstance, PyTuple, type PyValue, TorchStorage, TorchTensor } from "../src/index.js";
import { TORCH_DTYPES } from "../src/codec/torch-dtype.js";
import { archive } from "./_archive.js";
import { decodePth } from "./_convert.js";

function dict(entries: [PyValue, PyValue][], ordered = false): PyDict {
  const d = new PyDict(ordered);
  for (const [k, v] of entries) d.map.set(k, v);
  return d;
}

/**
 * A YOLO-style training checkpoint around repvgg_tiny's state dict:
 * `model_state_dict` under a `module.` prefix; an SGD optimizer state
 * with momentum buffers (one of them a strided view, two sharing a
 * storage); a numpy float64 `best_fitness` and an `argparse.Namespace`
 * (inert placeholders, written back as the pickle made them); a float16
 * `ema` tensor.
 */
export async function trainingCheckpoint(): Promise<Uint8Array> {
  const source = await decodePth(fixtureBytes("pth/repvgg_tiny.train.pth"));
  const storages = new Map<string, Uint8Array>();
  for (const [key, s] of source.file.storages) {
    const at = source.file.storageOffsets.get(key)!;
    storages.set(key, await source.source.read(at, s.numel * TORCH_DTYPES[s.dtype].size));
  }
  const state = dict(
    [...source.found.tensors].map(([k, t]): [PyValue, PyValue] => [`module.${k}`, t]),
    true,
  );
  const momentum = new TorchStorage("m", "F32", 6, "cpu");
  storages.set("m", new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer));
  const half = new TorchStorage("h", "F16", 2, "cpu");
  storages.set("h", new Uint8Array(new Uint16Array([narrowFloat16(0.5), narrowFloat16(-2)]).buffer));
  const optimizer = dict([
    [
      "state",
      dict([
        [0n, dict([["momentum_buffer", new TorchTensor(momentum, 0, [2, 3], [3, 1], false, false)]])],
        [1n, dict([["momentum_buffer", new TorchTensor(momentum, 0, [3, 2], [1, 3], false, false)]])],
      ]),
    ],
    [
      "param_groups",
      [
        dict([
          ["lr", 0.01],
          ["momentum", 0.9],
          ["params", [0n, 1n]],
        ]),
      ],
    ],
  ]);
  const f8 = new PyInstance(new PyGlobal("numpy", "dtype"), ["f8", false, true], "reduce");
  f8.state = new PyTuple([3n, "<", null, null, null, -1n, -1n, 0n]);
  const fitness = new PyInstance(
    new PyGlobal("numpy.core.multiarray", "scalar"),
    [f8, new Uint8Array(new Float64Array([0.75]).buffer)],
    "reduce",
  );
  const opt = new PyInstance(new PyGlobal("argparse", "Namespace"), [], "newobj");
  opt.state = dict([
    ["epochs", 300n],
    ["name", "exp"],
  ]);
  return archive(
    dict([
      ["epoch", 7n],
      ["model_state_dict", state],
      ["optimizer", optimizer],
      ["best_fitness", fitness],
      ["opt", opt],
      ["ema", new TorchTensor(half, 0, [2], [1], false, false)],
    ]),
    storages,
  );
}
