import { maxAbs, maxAbsDiff, type Tensor4 } from "@reparam/test-utils";
import { expect } from "vitest";
import { fuseBlock, type Block } from "../src/index.js";
import { evaluateBlock, evaluateFused } from "./evaluate-block.js";

/** float64 throughout: the fused conv and the branches agree to ~1e-15 relative; 1e-11 leaves room for summation order. */
export const EQUIVALENCE_TOL = 1e-11;

/** Fuses `block` (it must not be refused) and checks the fused conv on `x` against the branches' sum, within {@link EQUIVALENCE_TOL}. */
export function expectEquivalent(block: Block, x: Tensor4): void {
  const r = fuseBlock(block);
  if (!r.ok) throw new Error(`refused: ${r.refusal.reason} ${r.refusal.message}`);
  const want = evaluateBlock(block, x);
  const got = evaluateFused(r.conv, x);
  expect(got.shape).toEqual(want.shape);
  expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(EQUIVALENCE_TOL * Math.max(1, maxAbs(want.data)));
}
