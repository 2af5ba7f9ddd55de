/// <reference types="node" />
// MobileOne-style blocks whose kxk branches read one shared padding: a Keras
// ZeroPadding2D feeding several Conv2D (layers models), one `Pad` feeding
// several convs (graph models). Fused into one conv, the padding with it,
// unless something outside the block reads the padding too.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { GraphDefJson } from "../src/index.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { addRelu, convBn, functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

type T = tf.SymbolicTensor;
const L = tf.layers;
const TOLERANCE = 1e-5;

/** `k` 3x3 'valid' conv + BN branches on one ZeroPadding2D, a 1x1 conv + BN and a BN identity over x (stride 1), summed, ReLU. */
function mobileOne(x: T, c: number, k: number): { out: T; padded: T } {
  const padded = L.zeroPadding2d({
    padding: [
      [1, 1],
      [1, 1],
    ],
    name: "m_pad",
  }).apply(x) as T;
  const kxk = Array.from({ length: k }, (_, i) =>
    convBn(padded, `m_k${i}`, { filters: c, k: [3, 3], padding: "valid" }),
  );
  const scale = convBn(x, "m_scale", { filters: c, k: [1, 1], padding: "valid" });
  const id = L.batchNormalization({ epsilon: 1e-5, name: "m_id" }).apply(x) as T;
  return { out: addRelu("m", [...kxk, scale, id]), padded };
}

async function layersModel(shape: [number, number, number], body: (x: T) => T) {
  const model = functional(shape, body);
  randomizeWeights(model, 17);
  const src = await saveLayersModel(model);
  model.dispose();
  const s = [1, ...shape];
  return convertAndRun(src, randomInput(s, 6), s);
}

describe("tfjs adapter: a padding shared by the kxk branches of a block", () => {
  it("fuses, in a layers model, three Conv2D on one ZeroPadding2D (+ 1x1 + identity) into one Conv2D; the ZeroPadding2D goes", async () => {
    const res = await layersModel([7, 6, 4], (x) => mobileOne(x, 4, 3).out);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused.map((f) => [f.family, f.kernel])).toEqual([["mobileone", "3x3"]]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(countConvs(res.json)).toBe(1);
    expect(opsOf(res.json)).not.toContain("ZeroPadding2D");
    expect(opsOf(res.json)).not.toContain("BatchNormalization");
  });

  it("refuses, in a layers model, the block (SHARED_INTERMEDIATE) when a layer outside reads the ZeroPadding2D; each Conv2D + BN folds alone", async () => {
    const res = await layersModel([6, 6, 4], (x) => {
      const { out, padded } = mobileOne(x, 4, 2);
      const side = L.conv2d({ filters: 4, kernelSize: 3, padding: "valid", activation: "relu", name: "side" }).apply(
        padded,
      ) as T;
      return L.add({ name: "join" }).apply([out, side]) as T;
    });
    expect(res.report.refused.map((r) => r.reason)).toEqual(["SHARED_INTERMEDIATE"]);
    expect(res.report.refused[0]!.message).toContain("'side'");
    expect(res.report.families).toEqual({ "conv-bn": 3 });
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(opsOf(res.json)).toContain("ZeroPadding2D");
  });

  it("fuses, in a graph model, two VALID convs on one Pad (+ 1x1 + FusedBatchNormV3 identity) into one conv; the Pad and its paddings go", async () => {
    const g = new GraphBuilder(5);
    const x = g.placeholder("input", [6, 7, 4]);
    const p = g.pad("m/pad", x, [
      [1, 1],
      [1, 1],
    ]);
    const k0 = g.batchNorm("m/k0/bn", g.conv("m/k0", p, [3, 3, 4, 4], { padding: "VALID" }), 4);
    const k1 = g.batchNorm("m/k1/bn", g.conv("m/k1", p, [3, 3, 4, 4], { padding: "VALID" }), 4);
    const one = g.batchNorm("m/scale/bn", g.conv("m/scale", x, [1, 1, 4, 4], { padding: "VALID" }), 4);
    const sum = g.op("m/add_2", "AddV2", [
      g.op("m/add_1", "AddV2", [g.op("m/add", "AddV2", [k0, k1]), one]),
      g.batchNorm("m/id", x, 4),
    ]);
    const src = g.build(x, g.op("m/Relu", "Relu", [sum]));
    const shape = [1, 6, 7, 4];
    const res = await convertAndRun(src, randomInput(shape, 3), shape);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused.map((f) => [f.name, f.family])).toEqual([["m", "mobileone"]]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(countConvs(res.json)).toBe(1);
    const nodes = (res.json.modelTopology as GraphDefJson).node ?? [];
    expect(nodes.map((n) => n.op)).not.toContain("Pad");
    expect(nodes.map((n) => n.name)).not.toContain("m/pad/paddings");
  });

  it("refuses, in a graph model, the block when another node reads the Pad", async () => {
    const g = new GraphBuilder(6);
    const x = g.placeholder("input", [6, 6, 4]);
    const p = g.pad("m/pad", x, [
      [1, 1],
      [1, 1],
    ]);
    const k0 = g.batchNorm("m/k0/bn", g.conv("m/k0", p, [3, 3, 4, 4], { padding: "VALID" }), 4);
    const k1 = g.batchNorm("m/k1/bn", g.conv("m/k1", p, [3, 3, 4, 4], { padding: "VALID" }), 4);
    const blk = g.op("m/Relu", "Relu", [g.op("m/add", "AddV2", [k0, k1])]);
    const side = g.op("side/Relu", "Relu", [g.conv("side", p, [3, 3, 4, 4], { padding: "VALID" })]);
    const src = g.build(x, g.op("join", "AddV2", [blk, side]));
    const shape = [1, 6, 6, 4];
    const res = await convertAndRun(src, randomInput(shape, 4), shape);
    expect(res.report.refused.map((r) => [r.reason, r.message])).toEqual([
      ["SHARED_INTERMEDIATE", "tensor 'm/pad' inside the block is also used by 'side'"],
    ]);
    expect(res.report.families).toEqual({ "conv-bn": 2 });
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
