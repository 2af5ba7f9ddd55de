import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { expectOneBlock as expectBlock, expectFusionEqualsGraph, node, nodeMakers, other } from "./graph-nodes.js";

const r = seededRandom(18);
const { constOf, bn, conv } = nodeMakers(r);
const C = 4;
/** A 3x3 average pool that adds no padding of its own. */
const pool: NeutralOp = {
  kind: "avgpool",
  size: [3, 3],
  stride: [1, 1],
  padding: { kind: "explicit", pads: [0, 0, 0, 0] },
};

const expectOneBlock = (nodes: GraphNodeView[], out: string, block: [string, string, number], size: [number, number]) =>
  expectBlock(r, C, nodes, out, block, size);

/** FastViT's RepMixer: x + layer_scale * (mixer(x) - norm(x)), mixer a MobileOne depthwise block, norm an identity BN. */
function repMixer(scale: Float32Array): GraphNodeView[] {
  return [
    node("m/mixer/identity", bn(C), ["x"]),
    node("m/mixer/conv_scale/conv", conv(C, 1, 1, 0, { groups: C }), ["x"]),
    node("m/mixer/conv_scale/bn", bn(C), ["m/mixer/conv_scale/conv"]),
    node("m/mixer/add", { kind: "add" }, ["m/mixer/identity", "m/mixer/conv_scale/bn"]),
    node("m/mixer/conv_kxk/conv", conv(C, 1, 3, 1, { groups: C }), ["x"]),
    node("m/mixer/conv_kxk/bn", bn(C), ["m/mixer/conv_kxk/conv"]),
    node("m/mixer/add_1", { kind: "add" }, ["m/mixer/add", "m/mixer/conv_kxk/bn"]),
    node("m/norm/identity", bn(C), ["x"]),
    node("m/sub", { kind: "sub" }, ["m/mixer/add_1", "m/norm/identity"]),
    node("m/layer_scale", { kind: "affine", scale: constOf(scale, [scale.length]) }, ["m/sub"]),
    node("m/add", { kind: "add" }, ["x", "m/layer_scale"]),
    other("m/relu", ["m/add"]),
  ];
}

describe("matchBlocks on linear regions beyond a plain sum", () => {
  it("fuses FastViT's RepMixer (a difference under a per-channel layer scale, plus x) into one conv", async () => {
    const nodes = repMixer(Float32Array.from([0.1, -0.2, 0.05, 0.3]));
    const { matches, refused } = await matchBlocks(graphView(nodes, ["m/relu"], () => [7, 6]));
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    const m = matches[0]!;
    expect(m.input).toBe("x");
    expect(m.output).toBe("m/add");
    expect(m.nodes).toHaveLength(11);
    expect(m.candidate.layout.branches.map((b) => b.kind)).toEqual([
      "identity",
      "identity",
      "conv",
      "conv",
      "identity",
    ]);
    await expectFusionEqualsGraph(r, nodes, m, C, [7, 6]);
  });

  it("fuses a RepMixer whose layer scale is one scalar", async () => {
    const nodes = repMixer(Float32Array.from([0.25]));
    const { matches } = await matchBlocks(graphView(nodes, ["m/relu"], () => [5, 5]));
    expect(matches).toHaveLength(1);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [5, 5]);
  });

  it("fuses a difference under a scale and shift in a second round (the shift is added once, after the difference became one conv)", async () => {
    const nodes = repMixer(Float32Array.from([0.5]));
    const shifted = nodes.map((n) =>
      n.id === "m/layer_scale"
        ? node(
            n.id,
            { kind: "affine", scale: constOf(Float32Array.of(0.5), [1]), shift: constOf(Float32Array.of(1), [1]) },
            ["m/sub"],
          )
        : n,
    );
    const { matches, refused } = await matchBlocks(graphView(shifted, ["m/relu"], () => [5, 5]));
    // The first round cannot take the whole (the shift would be added once per branch of the difference); the
    // difference alone fuses, and the second round reads x + (0.5 conv(x) + 1) as a two-branch block.
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "m/add", 11]]);
    await expectFusionEqualsGraph(r, shifted, matches[0]!, C, [5, 5]);
  });

  it("refuses a RepMixer whose layer scale is neither one value nor one per channel (CHANNEL_MISMATCH)", async () => {
    const nodes = repMixer(Float32Array.from([0.1, 0.2, 0.3]));
    const { matches, refused } = await matchBlocks(graphView(nodes, ["m/relu"], () => [5, 5]));
    expect(matches.map((m) => m.output)).not.toContain("m/add");
    expect(refused.map((x) => x.reason)).toContain("CHANNEL_MISMATCH");
  });

  it("folds a BatchNorm before an unpadded conv (and one after it) into one conv: the block's pre-BN", async () => {
    const nodes = [
      node("l/pre", bn(C), ["x"]),
      node("l/conv", conv(3, C, 1, 0), ["l/pre"]),
      node("l/post", bn(3), ["l/conv"]),
      other("l/relu", ["l/post"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["l/relu"], () => [1, 1]));
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.input).toBe("x");
    expect(matches[0]!.candidate.layout.preBn).toBeDefined();
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [1, 1]);
  });

  it("refuses a BatchNorm before a padded conv with PRE_BN_PADDED and still folds the BN after it", async () => {
    const nodes = [
      node("p/pre", bn(C), ["x"]),
      node("p/conv", conv(C, C, 3, 1), ["p/pre"]),
      node("p/post", bn(C), ["p/conv"]),
      other("p/relu", ["p/post"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["p/relu"], () => [5, 5]));
    expect(refused.map((x) => x.reason)).toEqual(["PRE_BN_PADDED"]);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.input).toBe("p/pre");
    expect(matches[0]!.candidate.layout.preBn).toBeUndefined();
  });

  it("folds constant scales (Mul, then Div as Mul) before a padded conv: zero padding stays zero", async () => {
    const scale = (v: Float32Array): NeutralOp => ({ kind: "affine", scale: constOf(v, [v.length]) });
    const nodes = [
      node("s/mul", scale(Float32Array.of(0.5, -2, 3, 0.25)), ["x"]),
      node("s/div", scale(Float32Array.of(1 / 3)), ["s/mul"]),
      node("s/conv", conv(C, C, 3, 1), ["s/div"]),
      node("s/bn", bn(C), ["s/conv"]),
      other("s/relu", ["s/bn"]),
    ];
    await expectOneBlock(nodes, "s/relu", ["x", "s/bn", 4], [5, 4]);
  });

  it("folds a constant scale through a zero Pad node into the conv after it", async () => {
    const nodes = [
      node("z/mul", { kind: "affine", scale: constOf(Float32Array.of(2, -1, 0.5, 4), [C]) }, ["x"]),
      node("z/pad", { kind: "pad", pads: [1, 0, 2, 1] }, ["z/mul"]),
      node("z/conv", conv(C, C, 3, 0), ["z/pad"]),
      node("z/bn", bn(C), ["z/conv"]),
      other("z/relu", ["z/bn"]),
    ];
    await expectOneBlock(nodes, "z/relu", ["x", "z/bn", 4], [5, 6]);
  });

  it("fuses a branch Pad -> BN -> average pool (the BN moves after the pool) with a padded 3x3 beside it", async () => {
    const nodes = [
      node("v/k3", conv(C, C, 3, 1), ["x"]),
      node("v/k3/bn", bn(C), ["v/k3"]),
      node("v/pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["x"]),
      node("v/pad/bn", bn(C), ["v/pad"]),
      node("v/pool", pool, ["v/pad/bn"]),
      node("v/pool/bn", bn(C), ["v/pool"]),
      node("v/add", { kind: "add" }, ["v/k3/bn", "v/pool/bn"]),
      other("v/relu", ["v/add"]),
    ];
    await expectOneBlock(nodes, "v/relu", ["x", "v/add", 7], [5, 6]);
  });

  it("fuses a branch A(x) -> Pad(A(0)) -> average pool (A after the pool), and refuses another Pad value (SEQUENTIAL_BORDER)", async () => {
    const shift = 0.375;
    const graph = (value: number) => [
      node("f/k3", conv(C, C, 3, 1), ["x"]),
      node("f/k3/bn", bn(C), ["f/k3"]),
      node("f/shift", { kind: "affine", shift: constOf(Float32Array.of(shift), [1]) }, ["x"]),
      node("f/pad", { kind: "pad", pads: [1, 1, 1, 1], value }, ["f/shift"]),
      node("f/pool", pool, ["f/pad"]),
      node("f/add", { kind: "add" }, ["f/k3/bn", "f/pool"]),
      other("f/relu", ["f/add"]),
    ];
    const exact = graph(shift);
    await expectOneBlock(exact, "f/relu", ["x", "f/add", 6], [5, 6]);
    const wrong = await matchBlocks(graphView(graph(0.25), ["f/relu"], () => [5, 6]));
    expect(wrong.matches.map((m) => m.output)).not.toContain("f/add");
    expect(wrong.refused.map((x) => x.reason)).toContain("SEQUENTIAL_BORDER");
  });

  it("fuses a branch conv (bias b) -> Pad(b) -> average pool, the pool read as a depthwise conv of a chain", async () => {
    const b = 0.25;
    const nodes = [
      node("p/k3", conv(C, C, 3, 1), ["x"]),
      node("p/k3/bn", bn(C), ["p/k3"]),
      node("p/k1", conv(C, C, 1, 0, { bias: constOf(new Float32Array(C).fill(b), [C]) }), ["x"]),
      node("p/pad", { kind: "pad", pads: [1, 1, 1, 1], value: b }, ["p/k1"]),
      node("p/pool", pool, ["p/pad"]),
      node("p/pool/bn", bn(C), ["p/pool"]),
      node("p/add", { kind: "add" }, ["p/k3/bn", "p/pool/bn"]),
      other("p/relu", ["p/add"]),
    ];
    await expectOneBlock(nodes, "p/relu", ["x", "p/add", 7], [5, 6]);
  });

  it("folds a constant scale before a padded sum of branches, once the sum is one conv (second round)", async () => {
    const nodes = [
      node("q/mul", { kind: "affine", scale: constOf(Float32Array.of(2, -1, 0.5, 4), [C]) }, ["x"]),
      node("q/k3", conv(C, C, 3, 1), ["q/mul"]),
      node("q/k3/bn", bn(C), ["q/k3"]),
      node("q/k1", conv(C, C, 1, 0), ["q/mul"]),
      node("q/k1/bn", bn(C), ["q/k1"]),
      node("q/add", { kind: "add" }, ["q/k3/bn", "q/k1/bn"]),
      other("q/relu", ["q/add"]),
    ];
    await expectOneBlock(nodes, "q/relu", ["x", "q/add", 6], [6, 6]);
  });

  it("leaves a Linear layer followed by its bias alone (MatMul + Add is how exporters spell nn.Linear)", async () => {
    const linear = { ...(conv(3, C, 1, 0) as Extract<NeutralOp, { kind: "conv" }>), linear: true };
    const nodes = [
      node("d/matmul", linear, ["x"]),
      node("d/bias", { kind: "affine", shift: constOf(Float32Array.of(1, 2, 3), [3]) }, ["d/matmul"]),
      other("d/relu", ["d/bias"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["d/relu"], () => [1, 1]));
    expect(matches).toEqual([]);
    expect(refused).toEqual([]);
  });
});
