/// <reference types="node" />
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { PyDict, PyTuple, type PyValue, TorchStorage, TorchTensor } from "../src/index.js";
import { TORCH_DTYPES } from "../src/codec/torch-dtype.js";
import { archive } from "./_archive.js";
import { convertPth, decodePth } from "./_convert.js";

/** acnet's state dict, one of its conv kernels, and its storages' bytes, to build archives around. */
async function acnet() {
  const source = await decodePth(fixtureBytes("pth/acnet.train.pth"));
  const storages = new Map<string, Uint8Array>();
  for (const [key, s] of source.file.storages) {
    const at = source.file.storageOffsets.get(key)!;
    storages.set(key, await source.source.read(at, s.numel * TORCH_DTYPES[s.dtype].size));
  }
  const kernel = [...source.found.tensors.values()].find((t) => t.shape.length === 4)!;
  return { source, dict: source.found.dict!, kernel, storages };
}

const dict = (entries: [PyValue, PyValue][]) => {
  const d = new PyDict(false);
  for (const [k, v] of entries) d.map.set(k, v);
  return d;
};

/** A storage's whole bytes, read as the flat tensor over it. */
const storageBytes = (m: Awaited<ReturnType<typeof decodePth>>, s: TorchStorage) =>
  m.read(new TorchTensor(s, 0, [s.numel], [1], false, false), 0, s.numel * TORCH_DTYPES[s.dtype].size);

describe("conversion to .pth of tensors and storages kept beside the state dict", () => {
  it("copies a tensor held in the state dict's attributes under a storage key of its own", async () => {
    const { source, dict: sd, kernel, storages } = await acnet();
    sd.attrs = dict([["kept", kernel]]);
    const { report, bytes } = await convertPth(await archive(sd, storages), "x.pth");
    expect(report.fused.length).toBeGreaterThan(0);
    // Before: the kernel kept its old key, which the output's state dict reuses for another tensor (unreadable).
    const back = await decodePth(bytes);
    const kept = (back.found.dict!.attrs as PyDict).map.get("kept") as TorchTensor;
    expect(kept.shape).toEqual(kernel.shape);
    expect([...back.found.tensors.values()].map((t) => t.storage.key)).not.toContain(kept.storage.key);
    const size = kernel.shape.reduce((a, b) => a * b, 4);
    expect(await back.read(kept, 0, size)).toEqual(await source.read(kernel, 0, size));
  });

  it("copies a storage held bare (not as a tensor's) in a checkpoint's other entry, whole", async () => {
    const { source, dict: sd, kernel, storages } = await acnet();
    // As fuzz-decode made it: 'optimizer' aliased to a _rebuild_tensor_v2 argument tuple, whose first item is a storage.
    const ckpt = dict([
      ["state_dict", sd],
      ["optimizer", new PyTuple([kernel.storage, 0n])],
    ]);
    const { report, bytes } = await convertPth(await archive(ckpt, storages), "x.pth");
    expect(report.notes?.at(-1)).toMatch(/\(1 storages copied\)/);
    const back = await decodePth(bytes);
    const kept = ((back.file.root as PyDict).map.get("optimizer") as PyTuple).items[0] as TorchStorage;
    expect(kept).toBeInstanceOf(TorchStorage);
    expect([kept.dtype, kept.numel]).toEqual([kernel.storage.dtype, kernel.storage.numel]);
    expect([...back.found.tensors.values()].map((t) => t.storage.key)).not.toContain(kept.key);
    expect(await storageBytes(back, kept)).toEqual(await storageBytes(source, kernel.storage));
  });
});
