/// <reference types="node" />
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "@reparam/test-utils";
import { PyDict, TorchStorage, TorchTensor } from "../src/index.js";
import { archive } from "./_archive.js";
import { decodePth } from "./_convert.js";

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const values = (b: Uint8Array) => [...new Float32Array(b.slice().buffer)];

describe("pytorch reader: tensors read by offset (storage offset, stride, shared storages)", () => {
  it("reads two views of one storage, one transposed (non-contiguous), one a strided column", async () => {
    const s = new TorchStorage("0", "F32", 6, "cpu");
    const dict = new PyDict(true);
    dict.map.set("a", new TorchTensor(s, 0, [2, 3], [3, 1], false, false));
    dict.map.set("a_t", new TorchTensor(s, 0, [3, 2], [1, 3], false, false));
    dict.map.set("column", new TorchTensor(s, 1, [2], [3], false, false));
    dict.map.set("tail", new TorchTensor(s, 4, [2], [1], false, false));
    dict.map.set("scalar", new TorchTensor(s, 5, [], [], false, false));
    const model = await decodePth(await archive(dict, new Map([["0", f32(0, 1, 2, 3, 4, 5)]])));
    expect(values(await model.view.read("a"))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values(await model.view.read("a_t"))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(values(await model.view.read("column"))).toEqual([1, 4]);
    expect(values(await model.view.read("tail"))).toEqual([4, 5]);
    expect(values(await model.view.read("scalar"))).toEqual([5]);
    expect(values(await model.view.readRange("a_t", 8, 16))).toEqual([1, 4]);
    const [a, at] = [model.found.tensors.get("a")!, model.found.tensors.get("a_t")!];
    expect(a.storage).toBe(at.storage); // one storage, as in the file
  });

  it("throws a typed error for a view that reaches past its storage, or a storage the archive lacks", async () => {
    const s = new TorchStorage("0", "F32", 6, "cpu");
    const past = new PyDict(true);
    past.map.set("w", new TorchTensor(s, 4, [3], [1], false, false));
    expect(await errorCodeOf(decodePth(await archive(past, new Map([["0", f32(0, 1, 2, 3, 4, 5)]]))))).toBe(
      "PYTORCH_BAD_TENSOR",
    );
    const ok = new PyDict(true);
    ok.map.set("w", new TorchTensor(s, 0, [6], [1], false, false));
    expect(await errorCodeOf(decodePth(await archive(ok, new Map())))).toBe("PYTORCH_BAD_STORAGE");
    expect(await errorCodeOf(decodePth(await archive(ok, new Map([["0", f32(0, 1)]]))))).toBe("PYTORCH_BAD_STORAGE");
  });

  it("throws PYTORCH_NO_STATE_DICT for a dict without a state dict", async () => {
    const d = new PyDict(false);
    d.map.set("epoch", 3n);
    expect(await errorCodeOf(decodePth(await archive(d, new Map())))).toBe("PYTORCH_NO_STATE_DICT");
  });
});
