import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  blockMatch,
  decide,
  graphView,
  matchBlocks,
  type Block,
  type Candidate,
  type KernelShape,
} from "../src/index.js";
import { node, nodeMakers } from "./graph-nodes.js";

const { constOf, bn, conv } = nodeMakers(seededRandom(11));

describe("blockMatch", () => {
  it("matches a pattern on the name, or the id exactly with one leading / ignored", () => {
    const b = { name: "p2o", id: "/p2o/Add_3" };
    expect(blockMatch("p2o", b)).toBe(true);
    expect(blockMatch("/p2o/Add_3", b)).toBe(true);
    expect(blockMatch("p2o/Add_3", b)).toBe(true);
    expect(blockMatch("/p2o/Add_3", { name: "p2o", id: "/p2o/Add_30" })).toBe(false);
    expect(blockMatch("Add_3", { name: "q" })).toBe(false);
  });
});

describe("block ids and the conv-affine family in a graph", () => {
  it("gives blocks of one name their output tensors as distinct ids", async () => {
    const nodes = [
      node("p2o.c", conv(2, 2, 3, 1), ["x"]),
      node("p2o.bn", bn(2), ["p2o.c"]),
      node("p2o.c2", conv(2, 2, 3, 1), ["p2o.bn"]),
      node("p2o.bn2", bn(2), ["p2o.c2"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["p2o.bn2"]));
    expect(matches.map((m) => [m.candidate.name, m.candidate.id])).toEqual([
      ["p2o", "p2o.bn"],
      ["p2o", "p2o.bn2"],
    ]);
    expect(matches.map((m) => m.candidate.family)).toEqual(["conv-bn", "conv-bn"]);
  });

  it("names a conv followed by a bias Add alone conv-affine, and one followed by a BatchNorm conv-bn", async () => {
    const nodes = [
      node("a/conv", conv(2, 2, 3, 1), ["x"]),
      node("a/add", { kind: "affine", shift: constOf(new Float32Array([0.5, -1]), [2]) }, ["a/conv"]),
      node("b/conv", conv(2, 2, 3, 1), ["a/add"]),
      node("b/bn", bn(2), ["b/conv"]),
      node("b/add", { kind: "affine", shift: constOf(new Float32Array([0.5, -1]), [2]) }, ["b/bn"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["b/add"]));
    expect(matches.map((m) => [m.candidate.id, m.candidate.family])).toEqual([
      ["a/add", "conv-affine"],
      ["b/add", "conv-bn"],
    ]);
  });
});

describe("a refusal while matching a graph", () => {
  it("carries the refused sum's output tensor as the block's id", async () => {
    const nodes = [
      node("p2o.c3", conv(2, 2, 3, 1), ["x"]),
      node("p2o.c1", conv(2, 2, 1, 0), ["x"]),
      node("p2o.r", { kind: "other" }, ["x"]),
      node("p2o.add", { kind: "add" }, ["p2o.c3", "p2o.c1", "p2o.r"]),
    ];
    const { refused } = await matchBlocks(graphView(nodes, ["p2o.add"], () => [6, 6]));
    expect(refused.map((r) => [r.block, r.id, r.reason])).toEqual([["p2o.add", "p2o.add", "NON_LINEAR_BRANCH"]]);
  });
});

describe("decide with --exclude", () => {
  const layout: Block<KernelShape> = {
    name: "p2o",
    inChannels: 2,
    branches: [
      {
        kind: "conv",
        kernel: { shape: [2, 2, 1, 1] },
        stride: [1, 1],
        pads: [0, 0, 0, 0],
        dilation: [1, 1],
        groups: 1,
      },
    ],
  };
  const candidate = (id: string): Candidate => ({
    name: "p2o",
    id,
    family: "conv-bn",
    layout,
    load: () => Promise.reject(new Error("unused")),
  });

  it("skips exactly the block whose id is given, and every block of a name given", () => {
    const cs = [candidate("t1"), candidate("t2")];
    expect(decide(cs, { exclude: ["t2"] }).map((d) => d.kind)).toEqual(["fuse", "skip"]);
    expect(decide(cs, { exclude: ["p2o"] }).map((d) => d.kind)).toEqual(["skip", "skip"]);
  });
});
