// Chains of Linear layers over [N, C] (Gemm, MatMul + Add) with BatchNormalization and constant
// Mul / Add / Sub between and after them, through the ONNX adapter: collapsed into one Gemm when
// that costs no more multiply-adds than the chain, and run on onnxruntime against a naive float64
// evaluation of the original graph.
import { maxAbs, maxAbsDiff, randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { buildModel, encodeModel, intAttr, type InitializerSpec, type NodeSpec } from "../src/index.js";
import { convert, opTypes, run } from "./_convert.js";

const rand = seededRandom(2325);
const N = 4;

/** A graph being built: its nodes, initializers and the float64 reference of each tensor over x's rows. */
class LinearGraph {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private readonly rows = new Map<string, number[][]>();
  private n = 0;

  constructor(
    readonly x: number[][],
    private readonly c: number,
  ) {
    this.rows.set("x", x);
  }

  private init(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  private node(op: string, inputs: string[], attrs: NodeSpec["attrs"], value: number[][]): string {
    const out = `t${this.n++}`;
    this.nodes.push({ op, name: `/${out}/${op}`, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    this.rows.set(out, value);
    return out;
  }

  /** Gemm(x, W [o, i] transB = 1 or [i, o] transB = 0, b) or MatMul(x, W [i, o]) then Add(., b) when `spelling` is "matmul". */
  linear(x: string, o: number, spelling: "gemm" | "gemm-t" | "matmul", bias = true): string {
    const rows = this.rows.get(x)!;
    const i = rows[0]!.length;
    const w = randomFloat32(rand, o * i, -0.5, 0.5); // [o, i]
    const b = bias ? randomFloat32(rand, o, -0.5, 0.5) : undefined;
    const y = rows.map((r) => Array.from({ length: o }, (_, m) => r.reduce((a, v, k) => a + w[m * i + k]! * v, 0)));
    const wt = new Float32Array(o * i); // [i, o]
    for (let m = 0; m < o; m++) for (let k = 0; k < i; k++) wt[k * o + m] = w[m * i + k]!;
    const name = `w${this.n}`;
    const withBias = y.map((r) => r.map((v, m) => v + (b?.[m] ?? 0)));
    if (spelling === "matmul") {
      const mm = this.node("MatMul", [x, this.init(name, [i, o], wt)], undefined, y);
      return b === undefined ? mm : this.node("Add", [mm, this.init(`b${this.n}`, [o], b)], undefined, withBias);
    }
    const weight = spelling === "gemm" ? this.init(name, [o, i], w) : this.init(name, [i, o], wt);
    const inputs = [x, weight, ...(b === undefined ? [] : [this.init(`b${this.n}`, [o], b)])];
    return this.node("Gemm", inputs, { transB: intAttr(spelling === "gemm" ? 1 : 0) }, withBias);
  }

  batchNorm(x: string): string {
    const rows = this.rows.get(x)!;
    const c = rows[0]!.length;
    const p = randomBatchNorm(rand, c);
    const names = ["gamma", "beta", "mean", "var"].map((k) =>
      this.init(`${k}${this.n}`, [c], p[k === "var" ? "variance" : (k as "gamma")]),
    );
    const y = rows.map((r) =>
      r.map((v, k) => ((v - p.mean[k]!) / Math.sqrt(p.variance[k]! + 1e-5)) * p.gamma[k]! + p.beta[k]!),
    );
    return this.node("BatchNormalization", [x, ...names], undefined, y);
  }

  /** x op c with a constant c of one value or one per feature. */
  constant(x: string, op: "Mul" | "Add" | "Sub", values: number[]): string {
    const rows = this.rows.get(x)!;
    const c = Float32Array.from(values);
    const at = (k: number) => (c.length === 1 ? c[0]! : c[k]!);
    const f = {
      Mul: (v: number, k: number) => v * at(k),
      Add: (v: number, k: number) => v + at(k),
      Sub: (v: number, k: number) => v - at(k),
    }[op];
    return this.node(
      op,
      [x, this.init(`c${this.n}`, [c.length], c)],
      undefined,
      rows.map((r) => r.map(f)),
    );
  }

  /** The model with output `y`, and the float64 reference of `y`. */
  build(y: string): { bytes: Uint8Array; reference: number[] } {
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: ["n", this.c] }],
      outputs: [{ name: y }],
      nodes: this.nodes,
      initializers: this.initializers,
    });
    return { bytes: encodeModel(model), reference: this.rows.get(y)!.flat() };
  }
}

function graph(c: number): LinearGraph {
  return new LinearGraph(
    Array.from({ length: N }, () => [...randomFloat32(rand, c)]),
    c,
  );
}

/**
 * Converts the graph, runs both on onnxruntime and checks the conversion against the float64
 * reference: float32 weights rounded once from the float64 fusion, run in float32, within
 * 1e-5 x max|y| (the original run is checked against it too, within the same bound).
 */
async function check(g: LinearGraph, y: string) {
  const { bytes, reference } = g.build(y);
  const out = await convert(bytes);
  const feeds = { x: { data: Float32Array.from(g.x.flat()), dims: [N, g.x[0]!.length] } };
  const bound = 1e-5 * maxAbs(reference);
  expect(maxAbsDiff(await run(bytes, feeds), reference)).toBeLessThanOrEqual(bound);
  expect(maxAbsDiff(await run(out.bytes, feeds), reference)).toBeLessThanOrEqual(bound);
  return out;
}

describe("chains of Linear layers through the ONNX adapter", () => {
  it("collapses Gemm -> BatchNormalization -> Gemm into one Gemm (conv-chain)", async () => {
    const g = graph(8);
    const y = g.batchNorm(g.linear(g.batchNorm(g.linear("x", 6, "gemm")), 5, "gemm-t"));
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
  });

  it("collapses MatMul + Add -> Mul -> MatMul + Add into one Gemm", async () => {
    const g = graph(8);
    const y = g.linear(g.constant(g.linear("x", 6, "matmul"), "Mul", [0.5, -1, 2, 0.25, 1.5, -0.75]), 4, "matmul");
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
  });

  it("keeps a bottleneck 16 -> 2 -> 16 as two Gemms, each with its BatchNormalization folded", async () => {
    const g = graph(16);
    const y = g.batchNorm(g.linear(g.batchNorm(g.linear("x", 2, "gemm")), 16, "gemm"));
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm", "Gemm"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-bn", "conv-bn"]);
  });
});

describe("constants added after a Linear through the ONNX adapter", () => {
  it("folds a Sub and an Add after a bias-free Gemm into one Gemm's bias", async () => {
    const g = graph(6);
    const y = g.constant(g.constant(g.linear("x", 5, "gemm", false), "Sub", [0.25]), "Add", [1, -2, 0.5, 3, 0]);
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm"]);
  });

  it("folds one Add after a bias-free Gemm into its bias", async () => {
    const g = graph(6);
    const y = g.constant(g.linear("x", 5, "gemm-t", false), "Add", [1, -2, 0.5, 3, 0]);
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm"]);
  });

  it("folds a Sub after a bias-free MatMul (not nn.Linear's bias Add) into one Gemm", async () => {
    const g = graph(6);
    const y = g.constant(g.linear("x", 5, "matmul", false), "Sub", [0.25, -1, 2, 0, 0.5]);
    const out = await check(g, y);
    expect(opTypes(out.model)).toEqual(["Gemm"]);
  });

  it("folds a Sub after MatMul + Add and keeps MatMul + Add alone as it is", async () => {
    const g = graph(6);
    const y = g.constant(g.linear("x", 5, "matmul"), "Sub", [0.25]);
    expect(opTypes((await check(g, y)).model)).toEqual(["Gemm"]);
    const plain = graph(6);
    const out = await check(plain, plain.linear("x", 5, "matmul"));
    expect(opTypes(out.model)).toEqual(["MatMul", "Add"]);
    expect(out.report.fused).toEqual([]);
  });
});
