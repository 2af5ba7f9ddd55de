// The graph matcher on DBB's BNAndPad forms: conv_kxk(BN(Pad0(conv_1x1(X)))) and AvgPool(BN(Pad0(conv_1x1(X)))),
// fused and checked against the neutral graph itself run with the naive reference ops (float64).
import { maxAbs, maxAbsDiff, randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  fuseBlock,
  graphView,
  matchBlocks,
  planBlock,
  type ConstRef,
  type GraphNodeView,
  type NeutralOp,
  type Pads,
  type Padding,
} from "../src/index.js";
import { randomInput } from "./block-fixtures.js";
import { evaluateFused } from "./evaluate-block.js";
import { evaluateGraph } from "./graph-evaluate.js";

/** float64 fused conv vs float64 naive graph: only summation order differs. */
const TOLERANCE = 1e-12;

const r = seededRandom(11);
const constOf = (values: Float32Array, shape: number[]): ConstRef => ({ shape, values: () => Promise.resolve(values) });
const vec = (c: number, lo = -0.5, hi = 0.5) => constOf(randomFloat32(r, c, lo, hi), [c]);
const bnOp = (c: number): NeutralOp => {
  const b = randomBatchNorm(r, c);
  return {
    kind: "batchnorm",
    gamma: constOf(b.gamma, [c]),
    beta: constOf(b.beta, [c]),
    mean: constOf(b.mean, [c]),
    variance: constOf(b.variance, [c]),
    eps: 1e-5,
  };
};
const explicit = (p: number): Padding => ({ kind: "explicit", pads: [p, p, p, p] });
interface ConvOpts {
  stride?: number;
  groups?: number;
  padding?: Padding;
  bias?: boolean;
}
const convOp = (o: number, i: number, k: number, opts: ConvOpts = {}): NeutralOp => ({
  kind: "conv",
  kernel: constOf(randomFloat32(r, o * i * k * k), [o, i, k, k]),
  ...(opts.bias ? { bias: vec(o) } : {}),
  stride: [opts.stride ?? 1, opts.stride ?? 1],
  padding: opts.padding ?? explicit(0),
  dilation: [1, 1],
  groups: opts.groups ?? 1,
});
const node = (id: string, op: NeutralOp, inputs: string[]): GraphNodeView => ({ id, op, inputs, outputs: [id] });

interface Dbb {
  readonly c: number;
  readonly o: number;
  readonly stride: number;
  readonly groups: number;
  readonly k: number;
  /** BNAndPad's BN as a BatchNorm node or, as TF graph models fold it, Mul + Add. */
  readonly bnForm: "batchnorm" | "mul-add";
  /** How the kxk conv / pool after the Pad spells "no padding". */
  readonly after: Padding;
  /** Pads of the BNAndPad Pad and of the dbb_origin conv (default k // 2 all round). */
  readonly pads?: Pads;
  readonly originPadding?: Padding;
  /** Bias on the kxk conv (TF's _FusedConv2D with the BN folded in) instead of a BN after it. */
  readonly fusedSecond?: boolean;
}

/** BNAndPad: a zero Pad, then the BN (`bnForm`); returns its nodes, the last one's id last. */
function bnAndPad(p: string, x: string, c: number, pads: Pads, form: Dbb["bnForm"]): GraphNodeView[] {
  const pad = node(`${p}/pad`, { kind: "pad", pads }, [x]);
  if (form === "batchnorm") return [pad, node(`${p}/bn`, bnOp(c), [pad.id])];
  const mul = node(`${p}/mul`, { kind: "affine", scale: vec(c, 0.5, 1.5) }, [pad.id]);
  return [pad, mul, node(`${p}/add`, { kind: "affine", shift: vec(c) }, [mul.id])];
}

/** A DiverseBranchBlock over `x`, written as the generators write it (tools/models README, "DBB in each format"). */
function dbbNodes(d: Dbb, x = "x"): GraphNodeView[] {
  const { c, o, stride: s, groups: g, k } = d;
  const h = k >> 1;
  const pads = d.pads ?? [h, h, h, h];
  const depthwise = g === c && g === o;
  const nodes: GraphNodeView[] = [];
  const add = (...ns: GraphNodeView[]) => (nodes.push(...ns), ns[ns.length - 1]!.id);
  const leaves: string[] = [];
  add(
    node("b/origin/conv", convOp(o, c / g, k, { stride: s, groups: g, padding: d.originPadding ?? explicit(h) }), [x]),
  );
  leaves.push(add(node("b/origin/bn", bnOp(o), ["b/origin/conv"])));
  if (!depthwise) {
    add(node("b/1x1/conv", convOp(o, c / g, 1, { stride: s, groups: g }), [x]));
    leaves.push(add(node("b/1x1/bn", bnOp(o), ["b/1x1/conv"])));
    const y = add(node("b/avg/conv", convOp(o, c / g, 1, { groups: g }), [x]));
    const z = add(...bnAndPad("b/avg/bn", y, o, pads, d.bnForm));
    add(node("b/avg/pool", { kind: "avgpool", size: [k, k], stride: [s, s], padding: d.after }, [z]));
  } else {
    add(
      node("b/avg/pool", { kind: "avgpool", size: [k, k], stride: [s, s], padding: { kind: "explicit", pads } }, [x]),
    );
  }
  leaves.push(add(node("b/avg/avgbn", bnOp(o), ["b/avg/pool"])));
  const m = depthwise ? 2 * c : c;
  const y1 = add(node("b/kxk/idconv1", convOp(m, c / g, 1, { groups: g }), [x]));
  const z1 = add(...bnAndPad("b/kxk/bn1", y1, m, pads, d.bnForm));
  const y2 = add(
    node("b/kxk/conv2", convOp(o, m / g, k, { stride: s, groups: g, padding: d.after, bias: d.fusedSecond === true }), [
      z1,
    ]),
  );
  leaves.push(d.fusedSecond === true ? y2 : add(node("b/kxk/bn2", bnOp(o), [y2])));
  let sum = leaves[0]!;
  leaves.slice(1).forEach((l, i) => (sum = add(node(`b/add${i}`, { kind: "add" }, [sum, l]))));
  return nodes;
}

async function fuseAndCompare(nodes: GraphNodeView[], size: [number, number], c: number) {
  const view = graphView(nodes, [nodes[nodes.length - 1]!.id], (t) => (t === "x" ? size : undefined));
  const { matches, refused } = await matchBlocks(view);
  expect(refused).toEqual([]);
  expect(matches).toHaveLength(1);
  const m = matches[0]!;
  const res = fuseBlock(await m.candidate.load());
  if (!res.ok) throw new Error(res.refusal.message);
  const x = randomInput(r, 1, c, size[0], size[1]);
  const want = await evaluateGraph(nodes, { x }, m.output);
  const got = evaluateFused(res.conv, x);
  expect(got.shape).toEqual(want.shape);
  expect(maxAbsDiff(got.data, want.data)).toBeLessThan(TOLERANCE * maxAbs(want.data));
  return m;
}

const CASES: Array<[string, Dbb, [number, number]]> = [
  [
    "dense, stride 1, BNAndPad as BatchNorm, pads 0",
    { c: 4, o: 4, stride: 1, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 6],
  ],
  [
    "dense, stride 2, odd input",
    { c: 3, o: 5, stride: 2, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 7],
  ],
  [
    "dense, stride 2, even input",
    { c: 3, o: 5, stride: 2, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [8, 6],
  ],
  ["5x5", { c: 3, o: 4, stride: 1, groups: 1, k: 5, bnForm: "batchnorm", after: explicit(0) }, [6, 7]],
  ["grouped (2)", { c: 4, o: 6, stride: 1, groups: 2, k: 3, bnForm: "batchnorm", after: explicit(0) }, [5, 6]],
  [
    "depthwise: the pool on X, conv1 to 2C",
    { c: 4, o: 4, stride: 2, groups: 4, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 8],
  ],
  [
    "TF graph: Mul + Add, VALID, bias on the kxk (_FusedConv2D)",
    { c: 4, o: 4, stride: 2, groups: 1, k: 3, bnForm: "mul-add", after: { kind: "valid" }, fusedSecond: true },
    [8, 8],
  ],
];

describe("matchBlocks: DBB's BNAndPad branches", () => {
  it.each(CASES)(
    "%s: 1x1 -> Pad -> BN -> kxk and 1x1 -> Pad -> BN -> pool are sequential (first-output); the fusion equals the graph",
    async (_name, d, size) => {
      const nodes = dbbNodes(d);
      const m = await fuseAndCompare(nodes, size, d.c);
      expect(m.candidate.family).toBe("dbb");
      expect(m.input).toBe("x");
      expect(m.nodes).toHaveLength(nodes.length);
      const seq = m.candidate.layout.branches.filter((b) => b.kind === "sequential");
      expect(seq).toHaveLength(d.groups === d.c ? 1 : 2);
      const h = d.k >> 1;
      for (const b of seq)
        expect(b.kind === "sequential" && [b.padding, b.pads, b.stride]).toEqual([
          "first-output",
          [h, h, h, h],
          [d.stride, d.stride],
        ]);
    },
  );

  it("lines up asymmetric pads that agree: TF SAME at stride 2 on an even input, BNAndPad padding (0, 1)", async () => {
    const d: Dbb = {
      c: 3,
      o: 4,
      stride: 2,
      groups: 1,
      k: 3,
      bnForm: "mul-add",
      after: { kind: "valid" },
      pads: [0, 0, 1, 1],
      originPadding: { kind: "same-upper" },
    };
    const m = await fuseAndCompare(dbbNodes(d), [8, 8], 3);
    expect(m.candidate.layout.inputSize).toEqual([8, 8]);
    const plan = planBlock(m.candidate.layout);
    expect(plan.ok && plan.plan.pads).toEqual([0, 0, 1, 1]);
  });

  it("reads a kxk with pads of its own after BNAndPad as zero padding: exact when the BN maps 0 to 0, else refused", async () => {
    // origin 5x5 pads 3 and Pad 1 -> BN -> 3x3 pads 1 both give H + 2 rows; the 3x3 sits at offset 1.
    const block = (after: NeutralOp) => [
      node("o/conv", convOp(2, 2, 5, { padding: explicit(3) }), ["x"]),
      node("o/bn", bnOp(2), ["o/conv"]),
      node("s/one", convOp(3, 2, 1), ["x"]),
      node("s/pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["s/one"]),
      node("s/bn", after, ["s/pad"]),
      node("s/kxk", convOp(2, 3, 3, { padding: explicit(1) }), ["s/bn"]),
      node("sum", { kind: "add" }, ["o/bn", "s/kxk"]),
    ];
    const scaled = block({ kind: "affine", scale: vec(3, 0.5, 1.5) });
    const m = await fuseAndCompare(scaled, [5, 4], 2);
    const b = m.candidate.layout.branches[1]!;
    expect(b.kind === "sequential" && [b.padding, b.pads]).toEqual(["zero", [2, 2, 2, 2]]);
    const bn = (await matchBlocks(graphView(block(bnOp(3)), ["sum"]))).matches[0]!;
    const plan = planBlock(bn.candidate.layout);
    expect(!plan.ok && plan.refusal.reason).toBe("SEQUENTIAL_PADDING");
  });

  it("still reads the plain form conv_kxk(Pad0(BN(conv_1x1(X)))) with zero padding (exact only if the BN maps 0 to 0)", async () => {
    const block = (bn: NeutralOp) => [
      node("o/conv", convOp(2, 2, 3, { padding: explicit(1) }), ["x"]),
      node("s/one", convOp(2, 2, 1), ["x"]),
      node("s/bn", bn, ["s/one"]),
      node("s/pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["s/bn"]),
      node("s/kxk", convOp(2, 2, 3), ["s/pad"]),
      node("sum", { kind: "add" }, ["o/conv", "s/kxk"]),
    ];
    const m = await fuseAndCompare(block({ kind: "affine", scale: vec(2) }), [4, 5], 2);
    const b = m.candidate.layout.branches[1]!;
    expect(b.kind === "sequential" && [b.padding, b.pads]).toEqual(["zero", [1, 1, 1, 1]]);
    const refused = planBlock((await matchBlocks(graphView(block(bnOp(2)), ["sum"]))).matches[0]!.candidate.layout);
    expect(!refused.ok && refused.refusal.reason).toBe("SEQUENTIAL_PADDING");
  });
});

describe("matchBlocks: DBB refusals", () => {
  const base: Dbb = { c: 3, o: 3, stride: 1, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) };
  const replace = (nodes: GraphNodeView[], id: string, op: NeutralOp) =>
    nodes.map((n) => (n.id === id ? { ...n, op } : n));

  it("a Pad that is not a zero spatial pad (the adapter's 'other') is no branch: no DBB block, refused as NON_LINEAR_BRANCH naming it", async () => {
    const nodes = replace(dbbNodes(base), "b/kxk/bn1/pad", { kind: "other" });
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2"], () => [5, 5]));
    expect(refused.map((x) => [x.block, x.reason])).toEqual([["b", "NON_LINEAR_BRANCH"]]);
    expect(refused[0]!.message).toContain("'b/kxk/bn1/pad'");
    expect(matches.map((m) => m.candidate.family)).not.toContain("dbb");
  });

  it("fuses BNAndPad pads that line up only in a bigger kernel ((0, 0, 2, 2) beside pads 1 all round: 4x4)", async () => {
    const nodes = dbbNodes(base).map((n) =>
      n.op.kind === "pad" ? { ...n, op: { kind: "pad" as const, pads: [0, 0, 2, 2] as const } } : n,
    );
    const m = await fuseAndCompare(nodes, [5, 6], 3);
    const plan = planBlock(m.candidate.layout);
    expect(plan.ok && [plan.plan.kernelShape, plan.plan.pads]).toEqual([
      [3, 3, 4, 4],
      [1, 1, 2, 2],
    ]);
  });

  it("refuses BNAndPad pads that do not line up (1, 1, 0, 0): the branch gives another output size", async () => {
    const nodes = dbbNodes(base).map((n) =>
      n.op.kind === "pad" ? { ...n, op: { kind: "pad" as const, pads: [1, 1, 0, 0] as const } } : n,
    );
    const reasons = [];
    for (const size of [undefined, [5, 5] as const]) {
      const { matches } = await matchBlocks(graphView(nodes, ["b/add2"], () => size));
      const plan = planBlock(matches[0]!.candidate.layout);
      reasons.push(!plan.ok && plan.refusal.reason);
    }
    expect(reasons).toEqual(["PADS_MISALIGNED", "OUTPUT_SIZE_MISMATCH"]);
  });

  it.each(["b/kxk/bn1/bn", "b/kxk/bn1/pad", "b/avg/bn/bn", "b/kxk/idconv1"])(
    "refuses the block when '%s' is also read outside it",
    async (tapped) => {
      const nodes = [...dbbNodes(base), node("tap", { kind: "other" }, [tapped])];
      const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2", "tap"], () => [5, 5]));
      expect(matches.map((m) => m.candidate.family)).not.toContain("dbb");
      expect(refused.map((x) => x.reason)).toContain("SHARED_INTERMEDIATE");
      expect(refused.find((x) => x.reason === "SHARED_INTERMEDIATE")!.message).toContain("'tap'");
    },
  );

  it("refuses a Pad whose zeros are not what the first stage gives for a zero input (a BN before the Pad, a 1x1 bias)", async () => {
    const withBn: GraphNodeView[] = dbbNodes(base).flatMap((n) =>
      n.id === "b/kxk/bn1/pad" ? [node("b/kxk/pre", bnOp(3), ["b/kxk/idconv1"]), { ...n, inputs: ["b/kxk/pre"] }] : [n],
    );
    const biased = dbbNodes(base).map((n) =>
      n.id === "b/kxk/idconv1" && n.op.kind === "conv" ? { ...n, op: { ...n.op, bias: vec(3) } } : n,
    );
    for (const nodes of [withBn, biased]) {
      const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2"], () => [5, 5]));
      expect(matches.map((m) => m.candidate.family)).not.toContain("dbb");
      expect(refused.map((x) => x.reason)).toEqual(["SEQUENTIAL_PADDING"]);
      expect(refused[0]!.message).toContain("'b/kxk/bn1/pad'");
    }
    // A zero bias is exact: the 1x1 still gives 0 for a zero input.
    const zeroBias = dbbNodes(base).map((n) =>
      n.id === "b/kxk/idconv1" && n.op.kind === "conv"
        ? { ...n, op: { ...n.op, bias: constOf(new Float32Array(3), [3]) } }
        : n,
    );
    await fuseAndCompare(zeroBias, [5, 5], 3);
    // So is any bias when nothing is padded: a Pad of zeros before the BN leaves no border to fill.
    const unpadded = [
      node("o/conv", convOp(2, 2, 3), ["x"]),
      node("s/one", convOp(3, 2, 1, { bias: true }), ["x"]),
      node("s/pad", { kind: "pad", pads: [0, 0, 0, 0] }, ["s/one"]),
      node("s/bn", bnOp(3), ["s/pad"]),
      node("s/kxk", convOp(2, 3, 3), ["s/bn"]),
      node("sum", { kind: "add" }, ["o/conv", "s/kxk"]),
    ];
    const m = await fuseAndCompare(unpadded, [5, 6], 2);
    expect(m.candidate.layout.branches.map((b) => b.kind === "sequential" && b.padding)).toEqual([false, "zero"]);
  });
});
