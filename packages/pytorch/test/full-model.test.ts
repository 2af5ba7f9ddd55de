/// <reference types="node" />
import { bytesSource } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { PyDict, PyGlobal, PyInstance, PySet, type PyValue, TorchTensor, pytorchAdapter } from "../src/index.js";
import { TORCH_DTYPES } from "../src/codec/torch-dtype.js";
import { archive } from "./_archive.js";
import { convertPth, decodePth } from "./_convert.js";

const BUFFERS = new Set(["running_mean", "running_var", "num_batches_tracked"]);

function moduleOf(cls: string): { inst: PyInstance; state: PyDict } {
  const inst = new PyInstance(new PyGlobal("models.common", cls), [], "newobj");
  const state = new PyDict(false);
  state.map.set("training", false);
  for (const table of ["_parameters", "_buffers", "_modules"]) state.map.set(table, new PyDict(true));
  state.map.set("_non_persistent_buffers_set", new PySet([], false));
  inst.state = state;
  return { inst, state };
}

/**
 * A YOLO-style full-model pickle, `{'model': <Model>, 'epoch': -1, 'optimizer': None}`, made
 * from a train checkpoint: one placeholder module per key prefix, weights and biases as
 * parameters, BN statistics as buffers; plus what torch's state_dict() leaves out
 * (a non-persistent buffer, a None bias).
 */
async function fullModel(file: string): Promise<Uint8Array> {
  const source = await decodePth(fixtureBytes(file));
  const root = moduleOf("Model");
  const modules = new Map<string, PyDict>([["", root.state]]);
  const moduleAt = (path: string): PyDict => {
    const known = modules.get(path);
    if (known !== undefined) return known;
    const cut = path.lastIndexOf(".");
    const parent = moduleAt(cut < 0 ? "" : path.slice(0, cut));
    const m = moduleOf("Block");
    (parent.map.get("_modules") as PyDict).map.set(path.slice(cut + 1), m.inst);
    modules.set(path, m.state);
    return m.state;
  };
  for (const [key, t] of source.found.tensors) {
    const cut = key.lastIndexOf(".");
    const state = moduleAt(key.slice(0, cut));
    const name = key.slice(cut + 1);
    const buffer = BUFFERS.has(name);
    const table = state.map.get(buffer ? "_buffers" : "_parameters") as PyDict;
    table.map.set(name, buffer ? t : new TorchTensor(t.storage, t.offset, t.shape, t.stride, true, true));
  }
  const any = [...source.found.tensors.values()][0]!;
  (root.state.map.get("_buffers") as PyDict).map.set("anchor_grid", any);
  (root.state.map.get("_non_persistent_buffers_set") as PySet).items.push("anchor_grid");
  (root.state.map.get("_parameters") as PyDict).map.set("unused_bias", null);
  const storages = new Map<string, Uint8Array>();
  for (const [key, s] of source.file.storages) {
    const at = source.file.storageOffsets.get(key)!;
    storages.set(key, await source.source.read(at, s.numel * TORCH_DTYPES[s.dtype].size));
  }
  const ckpt = new PyDict(false);
  const entries: [string, PyValue][] = [
    ["epoch", -1n],
    ["model", root.inst],
    ["optimizer", null],
  ];
  for (const [k, v] of entries) ckpt.map.set(k, v);
  return archive(ckpt, storages);
}

describe("full-model pickles ({'model': <Model object>})", () => {
  for (const c of conformanceCases()) {
    it(`${c.name}: converts the tensors gathered from the module tree to the reference keys and bytes`, async () => {
      const eps = c.name === "repvgg_se_eps" ? 1e-3 : 1e-5;
      const bytes = await fullModel(`pth/${c.name}.train.pth`);
      const model = await decodePth(bytes);
      expect(pytorchAdapter.describe!(model).content).toBe(
        "full model models.common.Model under 'model' (tensors gathered from its modules)",
      );
      expect(model.found.tensors.has("anchor_grid")).toBe(false);
      const fromModel = await convertPth(bytes, "x.safetensors", { eps });
      const fromStateDict = await convertPth(fixtureBytes(`pth/${c.name}.train.pth`), "x.safetensors", { eps });
      expect(Buffer.from(fromModel.bytes).equals(Buffer.from(fromStateDict.bytes))).toBe(true);
      const ref = await decodeSafetensors(bytesSource(fixtureBytes(c.safetensors.deploy)));
      const out = await decodeSafetensors(bytesSource(fromModel.bytes));
      expect(out.tensors.map((t) => t.name)).toEqual(ref.tensors.map((t) => t.name));
      expect(fromModel.report.notes?.at(-1)).toMatch(/full model: written as its deploy state dict/);
      const pth = await convertPth(bytes, "x.pth", { eps });
      expect(pth.report.notes?.at(-1)).toMatch(/the model object itself is not rewritten/);
      const back = await decodePth(pth.bytes);
      expect(back.found.layout.kind).toBe("state-dict");
      expect([...back.found.tensors.keys()].sort()).toEqual(ref.tensors.map((t) => t.name).sort());
    });
  }
});
