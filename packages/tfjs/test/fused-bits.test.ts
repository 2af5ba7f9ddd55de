/// <reference types="node" />
// The fused weights tfjsAdapter writes are bit for bit core's float64 fusion
// (fuseWithPlan) permuted to TF layout and rounded once: to float32, or
// straight to float16 with dtype f16 (never through float32).
import {
  hwioFusable,
  narrowFloat16Array,
  oihwToHwcm,
  oihwToHwio,
  planBlock,
  fuseWithPlan,
  reparameterize,
} from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights, tfjsAdapter } from "../src/index.js";
import { decodeTfjsModel } from "../src/codec/decode-tfjs-model.js";
import { findTfjsBlocks } from "../src/view/find-tfjs-blocks.js";
import { tfjsCases, variantSource } from "./fixtures.js";
import { memoryOutput, modelInput } from "./model-io.js";

const b64 = (a: Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

function stored(values: Float64Array, dtype: "f32" | "f16"): string {
  if (dtype === "f32") return b64(new Uint8Array(Float32Array.from(values).buffer));
  const bits = narrowFloat16Array(values);
  const bytes = new Uint8Array(bits.length * 2);
  bits.forEach((b, i) => new DataView(bytes.buffer).setUint16(2 * i, b, true));
  return b64(bytes);
}

const table = tfjsCases().flatMap((c) =>
  (["layers", "graph"] as const).flatMap((v) => (["f32", "f16"] as const).map((d) => [c.name, v, d, c] as const)),
);

describe("fusion in the tfjs adapter", () => {
  it.each(table)("%s/%s %s: gives core's float64 fusion rounded once", async (_name, v, dtype, c) => {
    const src = variantSource(c, v);
    const model = await decodeTfjsModel(modelInput(src));
    const { candidates } = await findTfjsBlocks(model);
    const want: string[] = [];
    for (const cand of candidates) {
      const planned = planBlock(cand.layout);
      if (!planned.ok) continue;
      const conv = fuseWithPlan(await cand.load(), planned.plan);
      const k = conv.kernel;
      const inC = cand.layout.inChannels;
      const depthwise = conv.groups > 1 && conv.groups === inC && k.shape[1] === 1;
      want.push(
        stored((depthwise ? oihwToHwcm(k.data, k.shape, inC) : oihwToHwio(k.data, k.shape)).data, dtype),
        stored(conv.bias, dtype),
      );
    }
    const out = memoryOutput();
    await reparameterize(tfjsAdapter, modelInput(src), out, { dtype });
    const written = out.source();
    const weights = await decodeWeights(decodeModelJson(written.modelJson).weightsManifest ?? [], written.files);
    const old = new Set(model.weights.map((w) => w.name));
    const fresh = weights.filter((w) => !old.has(w.name));
    expect(want.length).toBeGreaterThan(0);
    expect(fresh.map((w) => b64(w.bytes)).sort()).toEqual(want.sort());
    expect(fresh.every((w) => (w.quantization?.dtype === "float16") === (dtype === "f16"))).toBe(true);
  });
});

describe("a dense RepVGG-shaped block (fused in TF's layout, no transposes)", () => {
  it("hands over, as a candidate, the stored HWIO kernels, equal to load()'s OIHW ones transposed; the tests above cover them", async () => {
    let fusable = 0;
    for (const c of tfjsCases()) {
      for (const v of ["layers", "graph"] as const) {
        const { candidates } = await findTfjsBlocks(await decodeTfjsModel(modelInput(variantSource(c, v))));
        for (const cand of candidates) {
          const planned = planBlock(cand.layout);
          if (!planned.ok || cand.loadHwio === undefined || !hwioFusable(cand.layout, planned.plan)) continue;
          fusable++;
          const [oihw, hwio] = [await cand.load(), await cand.loadHwio()];
          oihw.branches.forEach((b, i) => {
            const h = hwio.branches[i]!;
            expect(h.kind).toBe(b.kind);
            if (b.kind === "conv" && h.kind === "conv")
              expect(Float64Array.from(h.kernel.data)).toEqual(oihwToHwio(b.kernel.data, b.kernel.shape).data);
          });
        }
      }
    }
    expect(fusable).toBeGreaterThan(10);
  });
});
