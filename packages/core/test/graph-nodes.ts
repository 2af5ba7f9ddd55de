// Neutral graph nodes with seeded random weights, and a check that a match's
// fusion equals the graph itself run with the naive reference ops (float64).
import { maxAbs, maxAbsDiff, randomBatchNorm, randomFloat32 } from "@reparam/test-utils";
import { expect } from "vitest";
import {
  fuseBlock,
  graphView,
  matchBlocks,
  type ConstRef,
  type GraphBlockMatch,
  type GraphNodeView,
  type NeutralOp,
  type Pads,
} from "../src/index.js";
import { randomInput } from "./block-fixtures.js";
import { evaluateFused } from "./evaluate-block.js";
import { evaluateGraph } from "./graph-evaluate.js";

type ConvOp = Extract<NeutralOp, { kind: "conv" }>;

/** Makers of neutral ops drawing weights from `r`. */
export function nodeMakers(r: () => number) {
  const constOf = (values: Float32Array, shape: number[]): ConstRef => ({
    shape,
    values: () => Promise.resolve(values),
  });
  const bn = (c: number): NeutralOp => {
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
  const conv = (o: number, i: number, k: number, pads: number, extra: Partial<ConvOp> = {}): NeutralOp => ({
    kind: "conv",
    kernel: constOf(randomFloat32(r, o * i * k * k), [o, i, k, k]),
    stride: [1, 1],
    padding: { kind: "explicit", pads: [pads, pads, pads, pads] },
    dilation: [1, 1],
    groups: 1,
    ...extra,
  });
  const pad = (p: number): NeutralOp => ({ kind: "pad", pads: [p, p, p, p] as Pads });
  return { constOf, bn, conv, pad };
}

/** A node whose one output is named after it. */
export const node = (id: string, op: NeutralOp, inputs: string[]): GraphNodeView => ({ id, op, inputs, outputs: [id] });

/** A non-linear (or unknown) op. */
export const other = (id: string, inputs: string[]): GraphNodeView => node(id, { kind: "other" }, inputs);

/** Fuses a match and checks it against the graph run on a random `x` of [1, c, h, w]: within 1e-12 relative. */
export async function expectFusionEqualsGraph(
  r: () => number,
  nodes: readonly GraphNodeView[],
  m: GraphBlockMatch,
  c: number,
  size: [number, number],
): Promise<void> {
  const res = fuseBlock(await m.candidate.load());
  if (!res.ok) throw new Error(res.refusal.message);
  const x = randomInput(r, 1, c, size[0], size[1]);
  const want = await evaluateGraph(nodes, { [m.input]: x }, m.output);
  const got = evaluateFused(res.conv, x);
  expect(got.shape).toEqual(want.shape);
  expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-12 * maxAbs(want.data));
}

/**
 * Matches `nodes` (graph output `out`, every tensor [h, w] = `size`): no refusal, one block
 * `[input, output, node count]`, whose fusion equals the graph (see {@link expectFusionEqualsGraph}).
 */
export async function expectOneBlock(
  r: () => number,
  c: number,
  nodes: readonly GraphNodeView[],
  out: string,
  block: [string, string, number],
  size: [number, number],
): Promise<void> {
  const { matches, refused } = await matchBlocks(graphView(nodes, [out], () => size));
  expect(refused).toEqual([]);
  expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([block]);
  await expectFusionEqualsGraph(r, nodes, matches[0]!, c, size);
}
