/// <reference types="node" />
import { inspect, narrowFloat16, widenFloat16 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { safetensorsAdapter } from "../src/index.js";
import { expectDeployConvs } from "./_deploy-convs.js";
import { familyCases } from "./_families.js";
import { convertBytes, memoryInput } from "./_memory-io.js";
import type { SafetensorsFile } from "../src/codec/decode-safetensors.js";
import { decode, expectWithinUlp, floats, halves } from "./_reference-compare.js";
import { ulpDistance16 } from "./_ulp.js";

const signature = (f: SafetensorsFile) => f.tensors.map((t) => [t.name, t.dtype, t.shape]);

describe("families fixtures: train -> deploy state dicts", () => {
  for (const c of familyCases()) {
    it(`${c.name} (${c.names} names): gives the reference's F32 keys, shapes, dtypes and values within 1 ulp`, async () => {
      const { report, bytes } = await convertBytes(fixtureBytes(c.safetensors.train));
      expect(report.families).toEqual({ [c.family]: c.blocks });
      expect(report.refused).toEqual([]);
      const out = await decode(bytes);
      const ref = await decode(fixtureBytes(c.safetensors.deploy));
      expect(out.metadata).toEqual(ref.metadata);
      expect(signature(out)).toEqual(signature(ref));
      const train = await decode(fixtureBytes(c.safetensors.train));
      for (const key of c.passthrough_keys) expect(await out.readTensor(key)).toEqual(await train.readTensor(key));
      await expectWithinUlp(c.name, out, ref, bytes, fixtureBytes(c.safetensors.deploy));
    });

    it(`${c.name}: keeps train_f16 in F16, within float16 rounding of the reference`, async () => {
      const train = fixtureBytes(c.safetensors.train_f16);
      const { report, bytes } = await convertBytes(train);
      expect(report.fused.length).toBe(c.blocks);
      const out = await decode(bytes);
      const ref = await decode(fixtureBytes(c.safetensors.deploy));
      const input = await decode(train);
      expect(out.tensors.map((t) => [t.name, t.shape])).toEqual(ref.tensors.map((t) => [t.name, t.shape]));
      expect(out.tensors.filter((t) => t.dtype !== "I64").every((t) => t.dtype === "F16")).toBe(true);
      // The same float16 inputs fused into float32, then narrowed: at most a double-rounding tie away.
      const wide = await decode((await convertBytes(train, { dtype: "f32" })).bytes);
      let worst = 0;
      let maxUlp = 0;
      for (const t of ref.tensors) {
        if (t.dtype !== "F32") continue;
        const a = await halves(out, t.name);
        if (input.tensor(t.name) !== undefined && !report.fused.some((b) => t.name.startsWith(`${b.name}.`))) {
          expect(a).toEqual(await halves(input, t.name)); // passed through byte for byte
          continue;
        }
        const b = await floats(ref, t.name);
        const w = await floats(wide, t.name);
        const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        for (let i = 0; i < b.length; i++) {
          expect(ulpDistance16(a[i]!, narrowFloat16(w[i]!))).toBeLessThanOrEqual(1);
          maxUlp = Math.max(maxUlp, ulpDistance16(a[i]!, narrowFloat16(b[i]!)));
          worst = Math.max(worst, Math.abs(widenFloat16(a[i]!) - b[i]!) / scale);
        }
      }
      console.log(
        `${c.name} F16: max ${maxUlp} f16 ulp from narrowFloat16(reference); max |diff| = ${(worst * 2048).toFixed(2)} x 2^-11 x max|tensor|`,
      );
      // Inputs rounded to float16 carry up to 2^-11 relative error each; the fused values stay within a few of those.
      expect(worst).toBeLessThan(8 / 2048);
    });

    it(`${c.name}: is listed by inspect, each block named by its prefix, of family ${c.family}, fusing`, async () => {
      const files = { "m.safetensors": fixtureBytes(c.safetensors.train) };
      const model = await safetensorsAdapter.decode(memoryInput("m.safetensors", files), {});
      const { blocks, matchRefused } = await inspect(safetensorsAdapter, model);
      expect(matchRefused).toEqual([]);
      expect(blocks.map((b) => [b.name, b.family, b.status])).toEqual(
        c.block_info.map((b) => [b.train_prefix, c.family, "fuse"]),
      );
    });

    it(`${c.name}: finds each block's deploy conv in the converted state dict, as verify reads it`, async () => {
      await expectDeployConvs(fixtureBytes(c.safetensors.train));
    });
  }
});
