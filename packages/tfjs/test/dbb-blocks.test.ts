/// <reference types="node" />
// DBB blocks as TF.js layers and graph models write them (BNAndPad as ZeroPadding2D / Pad, then the BN; the pool
// and the kxk conv 'valid' after it): one conv per block, and TF.js (cpu) gives the same output.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder, intsAttr, sAttr } from "./graph-builder.js";
import { addRelu, convBn, functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

/** float32 runtimes on both sides (the fused weights themselves are the float64 result rounded once). */
const TOLERANCE = 1e-5;
type T = tf.SymbolicTensor;
const L = tf.layers;
const bnOf = (x: T, name: string): T => L.batchNormalization({ epsilon: 1e-5, name }).apply(x) as T;
const conv1x1 = (x: T, filters: number, name: string): T =>
  L.conv2d({ filters, kernelSize: 1, useBias: false, name }).apply(x) as T;
const bnAndPad = (x: T, name: string): T =>
  bnOf(L.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(x) as T, `${name}_bn`);

/** A DiverseBranchBlock as tools/models writes it in a layers model (groups 1). */
function dbbLayers(x: T, name: string, o: number, stride: number): T {
  const c = x.shape[3]!;
  const origin = convBn(x, `${name}_origin`, {
    filters: o,
    k: [3, 3],
    stride,
    padding: "valid",
    pad: [
      [1, 1],
      [1, 1],
    ],
  });
  const one = convBn(x, `${name}_1x1`, { filters: o, k: [1, 1], stride, padding: "valid" });
  const pooled = L.averagePooling2d({ poolSize: 3, strides: stride, padding: "valid", name: `${name}_avg` }).apply(
    bnAndPad(conv1x1(x, o, `${name}_avg_conv`), `${name}_avg_bn`),
  ) as T;
  const avg = bnOf(pooled, `${name}_avgbn`);
  const mid = bnAndPad(conv1x1(x, c, `${name}_idconv1`), `${name}_bn1`);
  const kxk = bnOf(
    L.conv2d({
      filters: o,
      kernelSize: 3,
      strides: stride,
      padding: "valid",
      useBias: false,
      name: `${name}_conv2`,
    }).apply(mid) as T,
    `${name}_bn2`,
  );
  return addRelu(name, [origin, one, avg, kxk]);
}

const fused = { op: "_FusedConv2D", fusedOps: ["BiasAdd"] };

/** The same block as tools/models writes it in a graph model: BNs folded into _FusedConv2D where a conv precedes them. */
function dbbGraph(
  g: GraphBuilder,
  x: string,
  name: string,
  c: number,
  o: number,
  stride: number,
  preBn = false,
): string {
  const pad = (p: string, y: string) =>
    g.pad(`${name}/${p}/Pad`, y, [
      [1, 1],
      [1, 1],
    ]);
  const origin = g.conv(`${name}/origin`, pad("origin", x), [3, 3, c, o], { ...fused, stride, padding: "VALID" });
  const one = g.conv(`${name}/1x1`, x, [1, 1, c, o], { ...fused, stride, padding: "VALID" });
  const avgIn = g.batchNorm(
    `${name}/avg/bn`,
    pad("avg", g.conv(`${name}/avg/conv`, x, [1, 1, c, o], { padding: "VALID" })),
    o,
    1e-5,
  );
  const pool = g.op(`${name}/avg/AvgPool`, "AvgPool", [avgIn], {
    ksize: intsAttr([1, 3, 3, 1]),
    strides: intsAttr([1, stride, stride, 1]),
    padding: sAttr("VALID"),
    data_format: sAttr("NHWC"),
  });
  const avg = g.mulAdd(`${name}/avgbn`, pool, o);
  let y1 = g.conv(`${name}/idconv1`, x, [1, 1, c, c], { padding: "VALID" });
  if (preBn) y1 = g.batchNorm(`${name}/pre`, y1, c, 1e-5);
  const kxk = g.conv(`${name}/conv2`, g.mulAdd(`${name}/bn1`, pad("bn1", y1), c), [3, 3, c, o], {
    ...fused,
    stride,
    padding: "VALID",
  });
  const sum = g.op(`${name}/add_2`, "AddV2", [
    g.op(`${name}/add_1`, "AddV2", [g.op(`${name}/add`, "AddV2", [origin, one]), avg]),
    kxk,
  ]);
  return g.op(`${name}/Relu`, "Relu", [sum]);
}

describe("DBB blocks in TF.js models", () => {
  it.each([
    [1, 8],
    [2, 8],
    [2, 7],
  ])(
    "layers, stride %i, %i px: fuses ZeroPadding2D -> BatchNormalization before the 'valid' conv and pool into one Conv2D per block",
    async (stride, size) => {
      const model = functional([size, size, 4], (x) => dbbLayers(dbbLayers(x, "b0", 6, stride), "b1", 6, 1));
      randomizeWeights(model, 17);
      const src = await saveLayersModel(model);
      model.dispose();
      const shape = [1, size, size, 4];
      const res = await convertAndRun(src, randomInput(shape, 3), shape);
      expect(res.report.refused).toEqual([]);
      expect(res.report.families).toEqual({ dbb: 2 });
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(countConvs(res.json)).toBe(2);
      for (const gone of ["BatchNormalization", "AveragePooling2D"]) expect(opsOf(res.json)).not.toContain(gone);
    },
  );

  it.each([
    [1, 8],
    [2, 8],
    [2, 7],
  ])(
    "graph, stride %i, %i px: fuses Pad -> FusedBatchNormV3 -> AvgPool VALID and Pad -> Mul + AddV2 -> _FusedConv2D VALID into one conv per block",
    async (stride, size) => {
      const g = new GraphBuilder(5);
      const x = g.placeholder("input", [size, size, 3]);
      const src = g.build(x, dbbGraph(g, dbbGraph(g, x, "b0", 3, 5, stride), "b1", 5, 5, 1));
      const shape = [1, size, size, 3];
      const res = await convertAndRun(src, randomInput(shape, 4), shape);
      expect(res.report.refused).toEqual([]);
      expect(res.report.families).toEqual({ dbb: 2 });
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(countConvs(res.json)).toBe(2);
      for (const gone of ["FusedBatchNormV3", "Pad", "Mul", "AvgPool"]) expect(opsOf(res.json)).not.toContain(gone);
    },
  );

  it("refuses a graph block whose Pad zeros are not the 1x1 + BN's output for zeros (a BN before the Pad)", async () => {
    const g = new GraphBuilder(6);
    const x = g.placeholder("input", [6, 6, 3]);
    const src = g.build(x, dbbGraph(g, x, "b0", 3, 3, 1, true));
    const res = await convertAndRun(src, randomInput([1, 6, 6, 3], 4), [1, 6, 6, 3]);
    expect(res.report.refused.map((r) => r.reason)).toEqual(["SEQUENTIAL_PADDING"]);
    expect(res.report.fused).toEqual([]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
