// DBB's BNAndPad forms as neutral graph nodes, for the matcher's DBB tests:
// conv_kxk(BN(Pad0(conv_1x1(X)))) and AvgPool(BN(Pad0(conv_1x1(X)))).
import { randomFloat32 } from "@reparam/test-utils";
import { expect } from "vitest";
import { graphView, matchBlocks, type GraphNodeView, type NeutralOp, type Pads, type Padding } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers } from "./graph-nodes.js";

export const explicit = (p: number): Padding => ({ kind: "explicit", pads: [p, p, p, p] });

interface ConvOpts {
  stride?: number;
  groups?: number;
  padding?: Padding;
  bias?: boolean;
}

export interface Dbb {
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

/** The makers of DBB's nodes, drawing weights from `r`. */
export function dbbMakers(r: () => number) {
  const { constOf, bn: bnOp } = nodeMakers(r);
  const vec = (c: number, lo = -0.5, hi = 0.5) => constOf(randomFloat32(r, c, lo, hi), [c]);
  const convOp = (o: number, i: number, k: number, opts: ConvOpts = {}): NeutralOp => ({
    kind: "conv",
    kernel: constOf(randomFloat32(r, o * i * k * k), [o, i, k, k]),
    ...(opts.bias ? { bias: vec(o) } : {}),
    stride: [opts.stride ?? 1, opts.stride ?? 1],
    padding: opts.padding ?? explicit(0),
    dilation: [1, 1],
    groups: opts.groups ?? 1,
  });

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
      node("b/origin/conv", convOp(o, c / g, k, { stride: s, groups: g, padding: d.originPadding ?? explicit(h) }), [
        x,
      ]),
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
      node(
        "b/kxk/conv2",
        convOp(o, m / g, k, { stride: s, groups: g, padding: d.after, bias: d.fusedSecond === true }),
        [z1],
      ),
    );
    leaves.push(d.fusedSecond === true ? y2 : add(node("b/kxk/bn2", bnOp(o), [y2])));
    let sum = leaves[0]!;
    leaves.slice(1).forEach((l, i) => (sum = add(node(`b/add${i}`, { kind: "add" }, [sum, l]))));
    return nodes;
  }

  /** Matches the one DBB block of `nodes` and checks its fusion against the graph (float64, 1e-12 relative). */
  async function fuseAndCompare(nodes: GraphNodeView[], size: [number, number], c: number) {
    const view = graphView(nodes, [nodes[nodes.length - 1]!.id], (t) => (t === "x" ? size : undefined));
    const { matches, refused } = await matchBlocks(view);
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, c, size);
    return matches[0]!;
  }

  return { constOf, bnOp, vec, convOp, bnAndPad, dbbNodes, fuseAndCompare };
}

export { node };
