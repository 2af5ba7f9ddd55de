/// <reference types="node" />
// --dtype keep on graph models: a fused kernel whose values did not change (a bias Add folded into a
// _FusedConv2D) keeps its exact bytes, float16 or uint8; a changed one is re-encoded in the input's encoding.
import { memoryOutput, reparameterize } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights, tfjsAdapter } from "../src/index.js";
import type { TfjsWeight } from "../src/index.js";
import { convertAndRun } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";
import { quantizeFloat16, quantizeUint8, sameBytes } from "./quantize.js";
import { modelInput } from "./model-io.js";
import { encodedSource } from "./run-model.js";

const fused = { op: "_FusedConv2D", fusedOps: ["BiasAdd"] };

async function convBiasAdd(quantize: (w: TfjsWeight) => TfjsWeight) {
  const g = new GraphBuilder(7);
  const x = g.placeholder("input", [6, 6, 4]);
  const y = g.op("blk/add", "AddV2", [g.conv("blk/conv", x, [3, 3, 4, 4], fused), g.constant("blk/shift", [4])]);
  const src = g.build(x, g.op("out", "Relu", [y]));
  const model = decodeModelJson(src.modelJson);
  const weights = (await decodeWeights(model.weightsManifest ?? [], src.files)).map(quantize);
  const res = await convertAndRun(encodedSource(model, weights), randomInput([1, 6, 6, 4], 3), [1, 6, 6, 4]);
  const out = await decodeWeights(decodeModelJson(res.output.modelJson).weightsManifest ?? [], res.output.files);
  const kernelIn = weights.find((w) => w.name === "blk/conv/kernel" || w.name.endsWith("conv/filter"))!;
  return { res, kernelIn, kernelOut: out.find((w) => w.name.endsWith("reparam_conv/kernel")) };
}

describe("graph models with --dtype keep", () => {
  it("keeps the exact float16 bytes of a kernel the fusion did not change", async () => {
    const { res, kernelIn, kernelOut } = await convBiasAdd(quantizeFloat16);
    expect(res.report.fused).toHaveLength(1);
    expect(kernelOut?.quantization).toEqual({ dtype: "float16" });
    expect(sameBytes(kernelOut!.bytes, kernelIn.bytes)).toBe(true);
    expect(res.ratio).toBeLessThanOrEqual(1e-3);
  });

  it("keeps the uint8 grid and bytes of a kernel the fusion did not change, and reports it kept", async () => {
    const { res, kernelIn, kernelOut } = await convBiasAdd(quantizeUint8);
    expect(kernelOut?.quantization).toEqual(kernelIn.quantization);
    expect(sameBytes(kernelOut!.bytes, kernelIn.bytes)).toBe(true);
    const kept = res.report.requantized?.find((t) => t.name === kernelOut!.name);
    expect(kept).toMatchObject({ dtype: "uint8", keptRange: true, maxError: 0 });
  });
});

describe("graph models with --dtype f16", () => {
  it("refuses a fused value past float16's range with core's CORE_NON_FINITE, and writes it with f32", async () => {
    // A 3x3 + 1x1 block scaled by 1e6 afterwards: fused kernel values far past 65504.
    const g = new GraphBuilder(11);
    const x = g.placeholder("input", [6, 6, 4]);
    const sum = g.op("blk/add", "AddV2", [
      g.conv("blk/dense", x, [3, 3, 4, 4], fused),
      g.conv("blk/1x1", x, [1, 1, 4, 4], fused),
    ]);
    const scaled = g.op("blk/mul", "Mul", [sum, g.constant("blk/scale", [4], Float32Array.of(1e6, 1e6, 1e6, 1e6))]);
    const src = g.build(x, g.op("out", "Relu", [scaled]));
    const f16 = reparameterize(tfjsAdapter, modelInput(src), memoryOutput("model.json"), { dtype: "f16" });
    await expect(f16).rejects.toMatchObject({ code: "CORE_NON_FINITE" });
    const f32 = await reparameterize(tfjsAdapter, modelInput(src), memoryOutput("model.json"), { dtype: "f32" });
    expect(f32.fused).toHaveLength(1);
  });
});
