// Chains of convs outside any sum: collapsed into one conv when exact at the borders and no
// more costly per output position than the chain; left as they are otherwise (no refusal: the
// graph never declared them one block).
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import type { InitializerSpec, NodeSpec } from "../src/index.js";
import { convWeights } from "./_blocks.js";
import { opTypes } from "./_convert.js";
import { checkGraph, convNode } from "./_conv-graphs.js";

const rand = seededRandom(4747);
const c = 6;

const conv = convNode;
const check = (nodes: NodeSpec[], initializers: InitializerSpec[], options = {}) =>
  checkGraph(nodes, initializers, c, rand, options);

describe("chains of convs outside a sum, through the ONNX adapter", () => {
  it("collapses a padded 3x3 followed by a biased 1x1 into one conv (conv-chain)", async () => {
    const out = await check(
      [conv("/a/Conv", "x", "a.weight", "t", 1, 1, "a.bias"), conv("/b/Conv", "t", "b.weight", "y", 0, 1, "b.bias")],
      [...convWeights(rand, "a", c, c, 3, 3, true), ...convWeights(rand, "b", c, c, 1, 1, true)],
    );
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
  });

  it("keeps a depthwise 7x7 and a 1x1: one dense 7x7 would be exact but cost more", async () => {
    const out = await check(
      [conv("/dw/Conv", "x", "dw.weight", "t", 3, c), conv("/pw/Conv", "t", "pw.weight", "y", 0, 1, "pw.bias")],
      [...convWeights(rand, "dw", c, 1, 7, 7), ...convWeights(rand, "pw", c, c, 1, 1, true)],
    );
    expect(opTypes(out.model)).toEqual(["Conv", "Conv"]);
    expect(out.report.fused).toEqual([]);
    expect(out.report.refused).toEqual([]);
  });

  it("collapses that depthwise 7x7 and 1x1 too when every exact chain merges (chains: 'all')", async () => {
    const out = await check(
      [conv("/dw/Conv", "x", "dw.weight", "t", 3, c), conv("/pw/Conv", "t", "pw.weight", "y", 0, 1, "pw.bias")],
      [...convWeights(rand, "dw", c, 1, 7, 7), ...convWeights(rand, "pw", c, c, 1, 1, true)],
      { chains: "all" },
    );
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
  });

  it("keeps a biased 1x1 before a zero-padded 3x3 (its border would miss the bias) without a refusal", async () => {
    const out = await check(
      [conv("/a/Conv", "x", "a.weight", "t", 0, 1, "a.bias"), conv("/b/Conv", "t", "b.weight", "y", 1, 1, "b.bias")],
      [...convWeights(rand, "a", c, c, 1, 1, true), ...convWeights(rand, "b", c, c, 3, 3, true)],
    );
    expect(opTypes(out.model)).toEqual(["Conv", "Conv"]);
    expect(out.report.refused).toEqual([]);
  });
});
