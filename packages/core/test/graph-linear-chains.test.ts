// Chains of Linear layers (read as 1x1 convs on a 1x1 image, `linear`) with BatchNorms and
// constant affines between and after them, on the neutral graph: the one fused Linear against
// a naive float64 evaluation of the chain over [N, C] rows, within 1e-12 x max|y|.
import { maxAbs, maxAbsDiff, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  fuseBlock,
  graphView,
  matchBlocks,
  type GraphBlockMatch,
  type GraphNodeView,
  type NeutralOp,
} from "../src/index.js";
import { node, nodeMakers, other } from "./graph-nodes.js";

const r = seededRandom(2324);
const { constOf, bn } = nodeMakers(r);
const N = 3;

/** A Linear from `i` to `o` features (kernel [o, i, 1, 1]), with a bias when `bias`. */
const linear = (o: number, i: number, bias = true): NeutralOp => ({
  kind: "conv",
  kernel: constOf(randomFloat32(r, o * i), [o, i, 1, 1]),
  ...(bias ? { bias: constOf(randomFloat32(r, o), [o]) } : {}),
  stride: [1, 1],
  padding: { kind: "explicit", pads: [0, 0, 0, 0] },
  dilation: [1, 1],
  groups: 1,
  linear: true,
});
/** x * scale + shift, each one value or one per feature (absent: 1 / 0). */
const affine = (scale?: number[], shift?: number[]): NeutralOp => ({
  kind: "affine",
  ...(scale ? { scale: constOf(Float32Array.from(scale), [scale.length]) } : {}),
  ...(shift ? { shift: constOf(Float32Array.from(shift), [shift.length]) } : {}),
});

/** The rows [N, C] a node makes of its input rows, computed naively in float64. */
async function evaluateRows(op: NeutralOp, x: readonly Float64Array[]): Promise<Float64Array[]> {
  const at = (v: ArrayLike<number> | undefined, c: number, none: number) =>
    v === undefined ? none : v.length === 1 ? v[0]! : v[c]!;
  switch (op.kind) {
    case "conv": {
      const [o, i] = op.kernel.shape as [number, number];
      const w = await op.kernel.values();
      const b = await op.bias?.values();
      return x.map((row) =>
        Float64Array.from({ length: o }, (_, oc) => {
          let acc = at(b, oc, 0);
          for (let k = 0; k < i; k++) acc += w[oc * i + k]! * row[k]!;
          return acc;
        }),
      );
    }
    case "batchnorm": {
      const [g, beta, mean, variance] = await Promise.all(
        [op.gamma, op.beta, op.mean, op.variance].map((v) => v.values()),
      );
      return x.map((row) =>
        row.map((v, c) => ((v - mean![c]!) / Math.sqrt(variance![c]! + op.eps)) * g![c]! + beta![c]!),
      );
    }
    case "affine": {
      const [scale, shift] = await Promise.all([op.scale?.values(), op.shift?.values()]);
      return x.map((row) => row.map((v, c) => v * at(scale, c, 1) + at(shift, c, 0)));
    }
    default:
      throw new Error(`evaluateRows: "${op.kind}" is not a per-row linear op`);
  }
}

/** Fuses match `m` and checks the fused Linear against its nodes (of `nodes`, in order) run naively on N random rows of `c` features. */
async function expectLinearEqualsChain(nodes: readonly GraphNodeView[], m: GraphBlockMatch, c: number) {
  const res = fuseBlock(await m.candidate.load());
  if (!res.ok) throw new Error(res.refusal.message);
  const [o, i, kh, kw] = res.conv.kernel.shape;
  expect([i, kh, kw]).toEqual([c, 1, 1]);
  const x = Array.from({ length: N }, () => Float64Array.from(randomFloat32(r, c)));
  const env = new Map<string, Float64Array[]>([[m.input, x]]);
  for (const n of nodes)
    if (m.nodes.includes(n)) env.set(n.outputs[0]!, await evaluateRows(n.op, env.get(n.inputs[0]!)!));
  const want = env.get(m.output)!.flatMap((row) => [...row]);
  const got = x.flatMap((row) => [
    ...Float64Array.from({ length: o }, (_, oc) => {
      let acc = res.conv.bias[oc]!;
      for (let k = 0; k < c; k++) acc += res.conv.kernel.data[oc * c + k]! * row[k]!;
      return acc;
    }),
  ]);
  expect(got.length).toBe(want.length);
  expect(maxAbsDiff(got, want)).toBeLessThan(1e-12 * maxAbs(want));
}

describe("matchBlocks with chains of Linear layers", () => {
  it("collapses Linear -> BN -> Mul / Add -> Linear -> BN into one Linear (conv-chain)", async () => {
    const nodes = [
      node("c/fc1", linear(6, 8), ["x"]),
      node("c/bn1", bn(6), ["c/fc1"]),
      node("c/mul", affine([0.5, -1, 2, 0.25, 1.5, -0.75]), ["c/bn1"]),
      node("c/add", affine(undefined, [0.125]), ["c/mul"]),
      node("c/fc2", linear(5, 6), ["c/add"]),
      node("c/bn2", bn(5), ["c/fc2"]),
      other("c/relu", ["c/bn2"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["c/relu"]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.input, m.output, m.nodes.length])).toEqual([
      ["conv-chain", "x", "c/bn2", 6],
    ]);
    await expectLinearEqualsChain(nodes, matches[0]!, 8);
  });

  it("collapses three bias-free Linears with a BN and a scalar scale between them", async () => {
    const nodes = [
      node("t/fc1", linear(4, 4, false), ["x"]),
      node("t/bn", bn(4), ["t/fc1"]),
      node("t/fc2", linear(4, 4, false), ["t/bn"]),
      node("t/scale", affine([-0.5]), ["t/fc2"]),
      node("t/fc3", linear(3, 4, false), ["t/scale"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["t/fc3"]));
    expect(matches.map((m) => [m.candidate.family, m.nodes.length])).toEqual([["conv-chain", 5]]);
    await expectLinearEqualsChain(nodes, matches[0]!, 4);
  });

  it("keeps a bottleneck 16 -> 2 -> 16 as two Linears (256 multiply-adds as one, 64 as two), each with its BN", async () => {
    const nodes = [
      node("b/fc1", linear(2, 16), ["x"]),
      node("b/bn1", bn(2), ["b/fc1"]),
      node("b/fc2", linear(16, 2), ["b/bn1"]),
      node("b/bn2", bn(16), ["b/fc2"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/bn2"]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.output])).toEqual([
      ["conv-bn", "b/bn1"],
      ["conv-bn", "b/bn2"],
    ]);
  });

  it("keeps a chain whose inner tensor is also read outside it", async () => {
    const nodes = [
      node("s/fc1", linear(4, 4), ["x"]),
      node("s/fc2", linear(4, 4), ["s/fc1"]),
      other("s/side", ["s/fc1"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["s/fc2", "s/side"]));
    expect(matches).toEqual([]);
  });
});

describe("matchBlocks with constants added after a Linear", () => {
  it("folds a Sub and an Add of constants after a biased Linear into its bias (conv-affine)", async () => {
    const nodes = [
      node("a/fc", linear(3, 5), ["x"]),
      node("a/sub", affine(undefined, [-0.25]), ["a/fc"]),
      node("a/add", affine(undefined, [1, -2, 0.5]), ["a/sub"]),
      other("a/relu", ["a/add"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["a/relu"]));
    expect(matches.map((m) => [m.candidate.family, m.output, m.nodes.length])).toEqual([["conv-affine", "a/add", 3]]);
    await expectLinearEqualsChain(nodes, matches[0]!, 5);
  });

  it("folds two Adds after a bias-free Linear (more than its own bias)", async () => {
    const nodes = [
      node("d/fc", linear(3, 5, false), ["x"]),
      node("d/bias", affine(undefined, [1, 2, 3]), ["d/fc"]),
      node("d/add", affine(undefined, [0.5]), ["d/bias"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["d/add"]));
    expect(matches.map((m) => [m.candidate.family, m.nodes.length])).toEqual([["conv-affine", 3]]);
    await expectLinearEqualsChain(nodes, matches[0]!, 5);
  });

  it("leaves a bias-free Linear and one Add (MatMul + Add, nn.Linear's own spelling)", async () => {
    const nodes = [node("m/fc", linear(3, 5, false), ["x"]), node("m/bias", affine(undefined, [1, 2, 3]), ["m/fc"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["m/bias"]));
    expect([matches, refused]).toEqual([[], []]);
  });
});
