/// <reference types="node" />
import { bytesSource, narrowBFloat16, widenBFloat16 } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { PyDict, TorchStorage, TorchTensor, pytorchAdapter } from "../src/index.js";
import { archive } from "./_archive.js";
import { convertPth, decodePth } from "./_convert.js";

/** repvgg_tiny's state dict with every float tensor in `dtype` and every key under `module.` (DataParallel). */
async function converted(dtype: "F64" | "BF16"): Promise<Uint8Array> {
  const source = await decodePth(fixtureBytes("pth/repvgg_tiny.train.pth"));
  const dict = new PyDict(true);
  const storages = new Map<string, Uint8Array>();
  for (const [name, t] of source.found.tensors) {
    const raw = await source.view.read(name);
    const key = String(storages.size);
    const numel = t.shape.reduce((a, b) => a * b, 1);
    let data = raw.slice();
    let type = t.storage.dtype;
    if (type === "F32") {
      const f = new Float32Array(raw.slice().buffer);
      data = new Uint8Array(dtype === "F64" ? Float64Array.from(f).buffer : Uint16Array.from(f, narrowBFloat16).buffer);
      type = dtype;
    }
    storages.set(key, data);
    const stride = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    dict.map.set(
      `module.${name}`,
      new TorchTensor(new TorchStorage(key, type, numel, "cpu"), 0, t.shape, stride, false, false),
    );
  }
  return archive(dict, storages);
}

describe("dtypes F64 and BF16, keys under module.", () => {
  for (const dtype of ["F64", "BF16"] as const) {
    it(`${dtype}: fuses in its dtype, keeps the prefix, gives the reference's values within ${dtype} rounding`, async () => {
      const input = await converted(dtype);
      expect(pytorchAdapter.describe!(await decodePth(input)).prefix).toBe("module. (DataParallel)");
      const { report, bytes } = await convertPth(input, "x.safetensors");
      expect(report.fused).toHaveLength(5);
      const out = await decodeSafetensors(bytesSource(bytes));
      const ref = await decodeSafetensors(bytesSource(fixtureBytes("repvgg_tiny.deploy.safetensors")));
      expect(out.tensors.map((t) => t.name).sort()).toEqual(ref.tensors.map((t) => `module.${t.name}`).sort());
      for (const t of ref.tensors) {
        const b = new Float32Array((await ref.readTensor(t.name)).slice().buffer);
        const raw = (await out.readTensor(`module.${t.name}`)).slice().buffer;
        expect(out.tensor(`module.${t.name}`)?.dtype).toBe(dtype);
        const a = dtype === "F64" ? new Float64Array(raw) : Float64Array.from(new Uint16Array(raw), widenBFloat16);
        const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        // F64 inputs are the float32 values exactly: fused in float64, rounded to float32 that is the reference.
        for (let i = 0; i < b.length; i++)
          if (dtype === "F64") expect(Math.fround(a[i]!)).toBe(b[i]);
          else expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(scale / 16);
      }
      const back = await decodePth((await convertPth(input, "x.pth")).bytes);
      expect([...back.view.tensors.values()].filter((t) => t.dtype === dtype).length).toBeGreaterThan(0);
    });
  }
});
