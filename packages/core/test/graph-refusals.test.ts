// Nothing that looks like a block is left silently: every sum with convs over
// one input (through linear ops) that is not fused is refused with a reason,
// while plain residual adds and sums of identities are not reported at all.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView } from "../src/index.js";
import { node, nodeMakers, other } from "./graph-nodes.js";

const r = seededRandom(31);
const { bn, conv } = nodeMakers(r);
const C = 2;

/** conv -> BN named `<p>/conv`, `<p>/bn` over `x`. */
const convBn = (p: string, x: string, k: number): GraphNodeView[] => [
  node(`${p}/conv`, conv(C, C, k, k >> 1), [x]),
  node(`${p}/bn`, bn(C), [`${p}/conv`]),
];
const add = (id: string, inputs: string[]) => node(id, { kind: "add" }, inputs);

/** Matches over a graph where every tensor has spatial size `size` (null: unknown). */
async function refusals(nodes: GraphNodeView[], outputs: string[], size: [number, number] | null = [6, 6]) {
  const { matches, refused } = await matchBlocks(graphView(nodes, outputs, () => size ?? undefined));
  return { matches, refused: refused.map((x) => [x.block, x.reason, x.message]) };
}

describe("matchBlocks: sums that look like blocks (fused or refused, never left silently)", () => {
  it("refuses convs over x summed with a branch through a non-linear op (NON_LINEAR_BRANCH)", async () => {
    const nodes = [
      ...convBn("b/dense", "x", 3),
      ...convBn("b/1x1", "x", 1),
      other("b/relu", ["x"]),
      add("b/add", ["b/dense/bn", "b/1x1/bn", "b/relu"]),
    ];
    const { refused, matches } = await refusals(nodes, ["b/add"]);
    expect(refused).toEqual([
      [
        "b/add",
        "NON_LINEAR_BRANCH",
        "branch 'b/relu' of the sum is not linear in 'x', the input of the other branches: it goes through 'b/relu', which is not a conv, BatchNorm, constant affine, zero pad or average pool",
      ],
    ]);
    expect(matches.map((m) => m.candidate.family)).toEqual(["conv-bn", "conv-bn"]); // each pair still folds
  });

  it("refuses a kxk branch behind a reflect pad (not a zero pad: 'other') beside 1x1 and identity branches (NON_LINEAR_BRANCH)", async () => {
    const nodes = [
      other("b/reflect", ["x"]),
      ...convBn("b/dense", "b/reflect", 3),
      ...convBn("b/1x1", "x", 1),
      node("b/id", bn(C), ["x"]),
      add("b/add", ["b/dense/bn", "b/1x1/bn", "b/id"]),
    ];
    const { refused } = await refusals(nodes, ["b/add"]);
    expect(refused.map((x) => x[1])).toEqual(["NON_LINEAR_BRANCH"]);
    expect(refused[0]![2]).toContain("'b/reflect'");
  });

  it("refuses a branch that reads another graph input (NO_COMMON_INPUT)", async () => {
    const nodes = [
      ...convBn("b/dense", "x", 3),
      ...convBn("b/1x1", "x", 1),
      ...convBn("b/other", "y", 3),
      add("b/add", ["b/dense/bn", "b/1x1/bn", "b/other/bn"]),
    ];
    const { refused } = await refusals(nodes, ["b/add"]);
    expect(refused).toEqual([
      [
        "b/add",
        "NO_COMMON_INPUT",
        "branch 'b/other/bn' of the sum does not read 'x', the input of the other branches: it starts from 'y'",
      ],
    ]);
  });

  it("refuses a padded kxk conv after a padded kxk conv (SEQUENTIAL_BORDER), and a BN before a conv (UNSUPPORTED_BRANCH)", async () => {
    const twice = [
      ...convBn("b/a", "x", 3),
      node("b/b/conv", conv(C, C, 3, 1), ["b/a/bn"]),
      ...convBn("b/1x1", "x", 1),
      add("b/add", ["b/b/conv", "b/1x1/bn"]),
    ];
    const t = await refusals(twice, ["b/add"]);
    // The chain is linear, but the border b/b/conv pads is, for one fused conv, b/a/conv over the image's edge.
    expect(t.refused.map((x) => x.slice(0, 2))).toEqual([["b", "SEQUENTIAL_BORDER"]]);
    expect(t.refused[0]![2]).toContain(
      "chain 'b/a/conv' -> 'b/b/conv': the start of the height border that 'b/b/conv' pads is, for the fused conv, 'b/a/conv' (3x3) over the edge",
    );
    const preBn = [
      node("b/pre", bn(C), ["x"]),
      node("b/conv", conv(C, C, 3, 1), ["b/pre"]),
      ...convBn("b/1x1", "x", 1),
      add("b/add", ["b/conv", "b/1x1/bn"]),
    ];
    const p = await refusals(preBn, ["b/add"]);
    expect(p.refused.map((x) => x[1])).toEqual(["UNSUPPORTED_BRANCH"]);
    expect(p.refused[0]![2]).toContain("'b/conv' <- 'b/pre'");
  });

  it("does not report plain residual adds: ResNet's basic block, its downsample shortcut, a bottleneck", async () => {
    const basic = [
      ...convBn("l/c1", "x", 3),
      other("l/relu", ["l/c1/bn"]),
      ...convBn("l/c2", "l/relu", 3),
      add("l/add", ["l/c2/bn", "x"]),
      other("l/out", ["l/add"]),
    ];
    const b = await refusals(basic, ["l/out"]);
    expect(b.refused).toEqual([]);
    expect(b.matches.map((m) => m.candidate.family)).toEqual(["conv-bn", "conv-bn"]);
    const down = [
      ...convBn("d/c1", "x", 3),
      other("d/relu", ["d/c1/bn"]),
      ...convBn("d/c2", "d/relu", 3),
      ...convBn("d/short", "x", 1),
      add("d/add", ["d/c2/bn", "d/short/bn"]),
    ];
    expect((await refusals(down, ["d/add"])).refused).toEqual([]);
    const bottleneck = [
      ...convBn("n/c1", "x", 1),
      other("n/r1", ["n/c1/bn"]),
      ...convBn("n/c2", "n/r1", 3),
      other("n/r2", ["n/c2/bn"]),
      ...convBn("n/c3", "n/r2", 1),
      add("n/add", ["x", "n/c3/bn"]),
    ];
    expect((await refusals(bottleneck, ["n/add"])).refused).toEqual([]);
  });

  it("does not report sums that are no blocks: identities only, unrelated inputs, an upsampled lateral (FPN)", async () => {
    expect((await refusals([node("n", bn(C), ["x"]), add("s", ["x", "n"])], ["s"], null)).refused).toEqual([]);
    expect((await refusals([add("s", ["x", "x"])], ["s"])).refused).toEqual([]);
    expect(
      (await refusals([...convBn("a", "x", 3), ...convBn("b", "y", 3), add("s", ["a/bn", "b/bn"])], ["s"])).refused,
    ).toEqual([]);
    const fpn = [node("lat", conv(C, C, 1, 0), ["c4"]), other("up", ["p5"]), add("p4", ["lat", "up"])];
    expect((await refusals(fpn, ["p4"])).refused).toEqual([]);
  });

  it("says each refusal once: a refused block's conv + BN pairs are not refused again", async () => {
    const nodes = [
      node("a", conv(C, C, 3, 0, { stride: [2, 2], padding: { kind: "same-upper" } }), ["x"]),
      node("abn", bn(C), ["a"]),
      ...convBn("b", "x", 1).map((n) =>
        n.op.kind === "conv" ? { ...n, op: { ...n.op, stride: [2, 2] as const } } : n,
      ),
      add("s", ["abn", "b/bn"]),
    ];
    const { refused, matches } = await refusals(nodes, ["s"], null);
    expect(refused.map((x) => x[1])).toEqual(["PADS_UNKNOWN"]);
    expect(matches).toEqual([]);
  });
});
