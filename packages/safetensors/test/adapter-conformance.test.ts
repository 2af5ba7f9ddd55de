/// <reference types="node" />
import { narrowFloat16, widenFloat16 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertBytes } from "./_memory-io.js";
import { decode, expectWithinUlp, floats, halves } from "./_reference-compare.js";
import { ulpDistance16 } from "./_ulp.js";

// The README of the fixtures: repvgg_se_eps was trained with BatchNorm eps 1e-3, the others with PyTorch's 1e-5.
const epsOf = (name: string) => (name === "repvgg_se_eps" ? 1e-3 : 1e-5);

describe("conformance: train -> deploy state dicts", () => {
  for (const c of conformanceCases()) {
    it(`${c.name} (${c.family}, ${c.names} names): gives the reference's F32 keys, shapes, dtypes and values within 1 ulp`, async () => {
      const { report, bytes } = await convertBytes(fixtureBytes(c.safetensors.train), { eps: epsOf(c.name) });
      expect(report.fused.length).toBe(c.blocks);
      expect(report.refused).toEqual([]);
      const out = await decode(bytes);
      const ref = await decode(fixtureBytes(c.safetensors.deploy));
      expect(out.metadata).toEqual(ref.metadata);
      expect(out.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(
        ref.tensors.map((t) => [t.name, t.dtype, t.shape]),
      );
      await expectWithinUlp(c.name, out, ref, bytes, fixtureBytes(c.safetensors.deploy));
    });

    it(`${c.name}: writes the same bytes when fused a few output channels at a time (F32 and F16)`, async () => {
      for (const file of [c.safetensors.train, c.safetensors.train_f16]) {
        const whole = await convertBytes(fixtureBytes(file), { eps: epsOf(c.name) });
        const rows = await convertBytes(fixtureBytes(file), { eps: epsOf(c.name), fuseChunkBytes: 1 });
        expect(Buffer.from(rows.bytes).equals(Buffer.from(whole.bytes))).toBe(true);
      }
    });

    it(`${c.name}: keeps train_f16 in F16, rounded once, within float16 input rounding of the reference`, async () => {
      const train = fixtureBytes(c.safetensors.train_f16);
      const { report, bytes } = await convertBytes(train, { eps: epsOf(c.name) });
      expect(report.fused.length).toBe(c.blocks);
      const out = await decode(bytes);
      const ref = await decode(fixtureBytes(c.safetensors.deploy));
      const input = await decode(train);
      expect(out.tensors.map((t) => [t.name, t.shape])).toEqual(ref.tensors.map((t) => [t.name, t.shape]));
      expect(new Set(out.tensors.map((t) => t.dtype))).toEqual(new Set(["F16"]));
      // The same float16 inputs fused into float32: narrowing that again may differ
      // from the direct float16 result only where the float32 rounding made a tie (double rounding).
      const wide = await decode((await convertBytes(train, { eps: epsOf(c.name), dtype: "f32" })).bytes);
      const histogram = new Map<number, number>();
      let doubleRounded = 0;
      let worst = 0;
      let total = 0;
      for (const t of ref.tensors) {
        const a = await halves(out, t.name);
        if (input.tensor(t.name) !== undefined) {
          expect(a).toEqual(await halves(input, t.name)); // passed through byte for byte
          continue;
        }
        const b = await floats(ref, t.name);
        const w = await floats(wide, t.name);
        const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        for (let i = 0; i < b.length; i++) {
          const d = ulpDistance16(a[i]!, narrowFloat16(b[i]!));
          histogram.set(d, (histogram.get(d) ?? 0) + 1);
          const again = ulpDistance16(a[i]!, narrowFloat16(w[i]!));
          expect(again).toBeLessThanOrEqual(1);
          doubleRounded += again;
          worst = Math.max(worst, Math.abs(widenFloat16(a[i]!) - b[i]!) / scale);
          total++;
        }
      }
      const shown = [...histogram].sort((x, y) => x[0] - y[0]).map(([d, n]) => `${d}: ${n}`);
      console.log(
        `${c.name} F16: ${total} fused values; f16 ulps from narrowFloat16(reference) {${shown.join(", ")}}; ` +
          `max |diff| = ${(worst * 2048).toFixed(2)} x 2^-11 x max|tensor|; ${doubleRounded} differ by 1 ulp from narrowFloat16(f32 fusion of the same inputs)`,
      );
      // Inputs rounded to float16 carry up to 2^-11 relative error each; the fused values stay within a few of those.
      expect(worst).toBeLessThan(8 / 2048);
    });
  }
});
