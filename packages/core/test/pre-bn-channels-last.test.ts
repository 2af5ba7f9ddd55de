import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { node, nodeMakers } from "./graph-nodes.js";

type LayoutOp = Extract<NeutralOp, { kind: "layout" }>["layout"];

// TF's spelling of Next-ViT's E_MHSA inputs (NHWC, see packages/tfjs's pre-bn-tokens test for the numbers):
// norm1 over [1, 4, 4, C] -> tokens [1, 16, C] -> q; tokens -> [1, 1, 16, C] -> AvgPool 1x4 -> [1, 4, C] -> norm -> k.
const r = seededRandom(29);
const { constOf, bn } = nodeMakers(r);
const C = 4;
const O = 5;
const layout = (id: string, l: LayoutOp, input: string): GraphNodeView =>
  node(id, { kind: "layout", layout: l }, [input]);
/** A Linear over the last axis of a rank-2 tensor (a MatMul read as a 1x1 conv), channels-last or not. */
const linear = (id: string, input: string, last: boolean): GraphNodeView =>
  node(
    id,
    {
      kind: "conv",
      kernel: constOf(randomFloat32(r, O * C), [O, C, 1, 1]),
      stride: [1, 1],
      padding: { kind: "explicit", pads: [0, 0, 0, 0] },
      dilation: [1, 1],
      groups: 1,
      linear: true,
      ...(last ? { channelsLast: true } : {}),
    },
    [input],
  );
const nhwcBn = (rank?: number): NeutralOp => ({
  ...(bn(C) as Extract<NeutralOp, { kind: "batchnorm" }>),
  channelsLast: true,
  ...(rank ? { rank } : {}),
});

function tokens(o: { rank?: number; poolLast?: boolean } = {}): GraphNodeView[] {
  return [
    node("b/norm1", nhwcBn(o.rank ?? 4), ["x"]),
    layout("b/tokens", { op: "reshape", from: [1, 4, 4, C], to: [1, 16, C] }, "b/norm1"),
    layout("b/q_flat", { op: "reshape", from: [1, 16, C], to: [16, C] }, "b/tokens"),
    linear("b/q", "b/q_flat", true),
    layout("b/expand", { op: "reshape", from: [1, 16, C], to: [1, 1, 16, C] }, "b/tokens"),
    node(
      "b/pool",
      {
        kind: "avgpool",
        size: [1, 4],
        stride: [1, 4],
        padding: { kind: "valid" },
        ...(o.poolLast === false ? {} : { channelsLast: true }),
      },
      ["b/expand"],
    ),
    layout("b/squeeze", { op: "reshape", from: [1, 1, 4, C], to: [1, 4, C] }, "b/pool"),
    node("b/norm", nhwcBn(3), ["b/squeeze"]),
    layout("b/k_flat", { op: "reshape", from: [1, 4, C], to: [4, C] }, "b/norm"),
    linear("b/k", "b/k_flat", true),
  ];
}

describe("matchBlocks with pre-BN sinking over channels-last ops", () => {
  it("follows a channels-last BatchNorm's last axis through reshapes and an NHWC pool into q and k", async () => {
    const { matches, refused } = await matchBlocks(graphView(tokens(), ["b/q", "b/k"]), { bypass: true });
    expect(refused).toEqual([]);
    expect(matches.map((m) => m.output).sort()).toEqual(["b/k", "b/q"]);
    for (const m of matches) {
      expect(m.candidate.group).toBe("b/norm1");
      expect(m.bypass?.map((n) => n.id)).toEqual(["b/norm1", "b/norm"]);
    }
  });

  it("refuses a pool that averages axes after the first two where the channels are last (PRE_BN_PADDED)", async () => {
    // Without channelsLast the pool is read as NCHW: it would average over the channels' axis.
    const { matches, refused } = await matchBlocks(graphView(tokens({ poolLast: false }), ["b/q", "b/k"]), {
      bypass: true,
    });
    expect(refused.map((f) => [f.block, f.reason])).toEqual([["b/norm1", "PRE_BN_PADDED"]]);
    // norm1 stays; e_mhsa.norm still folds into k (its own region, after the pool).
    expect(matches.map((m) => [m.output, m.candidate.group])).toEqual([["b/k", "b/norm"]]);
  });

  it("starts no region from a channels-last BatchNorm whose rank is not known", async () => {
    const nodes = tokens().map((n) => (n.id === "b/norm1" ? { ...n, op: nhwcBn() } : n));
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/q", "b/k"]), { bypass: true });
    // norm1 stays (not refused: nothing was reached); e_mhsa.norm still folds into k (its own region).
    expect(matches.map((m) => [m.output, m.candidate.group])).toEqual([["b/k", "b/norm"]]);
    expect(matches[0]!.bypass?.map((n) => n.id)).toEqual(["b/norm"]);
    expect(refused).toEqual([]);
  });
});
