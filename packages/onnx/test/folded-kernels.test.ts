// A kernel generated in-graph, as OREPA's export without constant folding writes it (per-branch Einsum over raw
// parameters and buffers, scaled by Gather(vector, b), summed by Add, a Pad chain for the 1x1 branch), then ONE
// Conv + BatchNormalization. The folder evaluates the kernel in float64 and rounds it once; Conv + BN then fuse
// and every node of the generation leaves the graph, unless something else still reads it.
import { maxAbs, maxAbsDiff, randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  buildModel,
  encodeModel,
  intAttr,
  intsAttr,
  stringAttr,
  type InitializerSpec,
  type NodeSpec,
} from "../src/index.js";
import { onnxGraphView } from "../src/view/onnx-graph-view.js";
import { tensorValues } from "../src/codec/tensor-values.js";
import { i64, ortValue } from "./_fold-graph.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(2026);
const [O, I, K] = [5, 3, 3];
const f32 = (name: string, dims: number[]): InitializerSpec => ({
  name,
  dims,
  data: randomFloat32(
    rand,
    dims.reduce((a, b) => a * b, 1),
  ),
});
const origin = f32("origin", [O, I, K, K]);
const avgConv = f32("avg_conv", [O, I]);
const avgAvg: InitializerSpec = { name: "avg_avg", dims: [K, K], data: new Float32Array(K * K).fill(1 / 9) };
const w1x1 = f32("w1x1", [O, I, 1, 1]);
const idconv1 = f32("idconv1", [I, I]);
const idTensor: InitializerSpec = {
  name: "id_tensor",
  dims: [I, I],
  data: Float32Array.from({ length: I * I }, (_, k) => (k % (I + 1) === 0 ? 1 : 0)),
};
const conv2 = f32("conv2", [O, I, K, K]);
const vector = f32("vector", [4, O]);
const norm = randomBatchNorm(rand, O);
const v = (t: InitializerSpec, k: number) => (t.data as Float32Array)[k]!;

const scaled = (b: number, x: string, out: string): NodeSpec[] => [
  { op: "Gather", inputs: ["vector", `idx${b}`], outputs: [`vec${b}`], attrs: { axis: intAttr(0) } },
  { op: "Einsum", inputs: [x, `vec${b}`], outputs: [out], attrs: { equation: stringAttr("oihw,o->oihw") } },
];
const generation: NodeSpec[] = [
  ...scaled(0, "origin", "b0"),
  { op: "Einsum", inputs: ["avg_conv", "avg_avg"], outputs: ["avg"], attrs: { equation: stringAttr("oi,hw->oihw") } },
  ...scaled(1, "avg", "b1"),
  { op: "Pad", inputs: ["w1x1", "pads"], outputs: ["padded"], attrs: { mode: stringAttr("constant") } },
  ...scaled(2, "padded", "b2"),
  { op: "Add", inputs: ["idconv1", "id_tensor"], outputs: ["id1"] },
  { op: "Einsum", inputs: ["id1", "conv2"], outputs: ["kxk"], attrs: { equation: stringAttr("ti,othw->oihw") } },
  ...scaled(3, "kxk", "b3"),
  { op: "Add", inputs: ["b0", "b1"], outputs: ["s1"] },
  { op: "Add", inputs: ["s1", "b2"], outputs: ["s2"] },
  { op: "Add", inputs: ["s2", "b3"], outputs: ["kernel"] },
];
const initializers: InitializerSpec[] = [
  origin,
  avgConv,
  avgAvg,
  w1x1,
  idconv1,
  idTensor,
  conv2,
  vector,
  { name: "pads", dims: [8], data: i64(0, 0, 1, 1, 0, 0, 1, 1) },
  ...[0, 1, 2, 3].map((b) => ({ name: `idx${b}`, dims: [], data: i64(b) })),
];

/** The kernel evaluated naively in float64, branch by branch, summed in the graph's order. */
function naiveKernel(): Float64Array {
  const out = new Float64Array(O * I * K * K);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let h = 0; h < K; h++)
        for (let w = 0; w < K; w++) {
          const at = ((o * I + i) * K + h) * K + w;
          const b0 = v(origin, at) * v(vector, o);
          const b1 = v(avgConv, o * I + i) * v(avgAvg, h * K + w) * v(vector, O + o);
          const b2 = (h === 1 && w === 1 ? v(w1x1, o * I + i) : 0) * v(vector, 2 * O + o);
          let kxk = 0;
          for (let t = 0; t < I; t++)
            kxk += (v(idconv1, t * I + i) + v(idTensor, t * I + i)) * v(conv2, ((o * I + t) * K + h) * K + w);
          out[at] = b0 + b1 + b2 + kxk * v(vector, 3 * O + o);
        }
  return out;
}

const model = (outputs: string[] = ["y"]) =>
  buildModel({
    opset: 17,
    inputs: [{ name: "x", dims: [1, I, 6, 6] }],
    outputs: outputs.map((name) => ({ name })),
    nodes: [
      ...generation,
      { op: "Conv", inputs: ["x", "kernel"], outputs: ["c"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
      { op: "BatchNormalization", inputs: ["c", "gamma", "beta", "mean", "var"], outputs: ["y"] },
    ],
    initializers: [
      ...initializers,
      ...(["gamma", "beta", "mean", "var"] as const).map((n, k) => ({
        name: n,
        dims: [O],
        data: [norm.gamma, norm.beta, norm.mean, norm.variance][k]!,
      })),
    ],
  });

describe("an OREPA-style kernel generated in-graph", () => {
  it("folds to the float64 kernel rounded once, where onnxruntime's float32 steps round at each node", async () => {
    const naive = naiveKernel();
    const k = onnxGraphView(model()).constants.get("kernel")!;
    expect(k.dims).toEqual([O, I, K, K]);
    expect(await k.readFloats()).toEqual(naive); // exact float64, same order of operations
    expect(k.read().values).toEqual(naive.map(Math.fround)); // rounded once
    const stepwise = (
      await ortValue({ nodes: [...generation.slice(0, -1), { ...generation.at(-1)!, outputs: ["y"] }], initializers })
    ).values as number[];
    expect(maxAbsDiff(stepwise, naive)).toBeLessThanOrEqual(1e-6 * maxAbs(naive));
    expect(stepwise.some((s, i) => s !== Math.fround(naive[i]!))).toBe(true); // float32 steps round more than once
  });

  it("fuses Conv + BN over the folded kernel and drops the whole generation", async () => {
    const m = model();
    const out = await convert(m);
    expect(out.report.fused).toHaveLength(1);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.model.graph!.initializer.length).toBe(2);
    // The fused weights: the float64 kernel times gamma / sqrt(var + eps), rounded once.
    const naive = naiveKernel();
    const conv = out.model.graph!.node[0]!;
    const w = tensorValues(out.model.graph!.initializer.find((t) => t.name === conv.input[1])!).values as Float64Array;
    for (let o = 0; o < O; o++) {
      const s = norm.gamma[o]! / Math.sqrt(norm.variance[o]! + Math.fround(1e-5));
      for (let r = 0; r < I * K * K; r++) {
        const want = naive[o * I * K * K + r]! * s;
        expect(Math.abs(w[o * I * K * K + r]! - want)).toBeLessThanOrEqual(2 ** -24 * Math.abs(want) * (1 + 2 ** -20));
      }
    }
    const x = randomFloat32(rand, I * 36);
    const feeds = { x: { data: x, dims: [1, I, 6, 6] } };
    expect(relativeError(await run(out.bytes, feeds), await run(encodeModel(m), feeds))).toBeLessThanOrEqual(1e-5);
  });

  it("keeps the nodes and initializers that make a value something else still reads", async () => {
    const out = await convert(model(["y", "b3"]));
    expect(out.report.fused).toHaveLength(1);
    const ops = opTypes(out.model);
    expect(ops.filter((o) => o === "BatchNormalization")).toHaveLength(0);
    // b3 = Einsum(Einsum(Add(idconv1, id_tensor), conv2), Gather(vector, 3)) stays; the other branches go.
    expect(ops.sort()).toEqual(["Add", "Conv", "Einsum", "Einsum", "Gather"].sort());
    const names = out.model.graph!.initializer.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["idconv1", "id_tensor", "conv2", "vector", "idx3"]));
    expect(names).not.toContain("origin");
    expect(names).not.toContain("w1x1");
  });
});
