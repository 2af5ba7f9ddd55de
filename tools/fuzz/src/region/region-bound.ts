import { UNIT, elementBound } from "../bound.js";
import type { Dense } from "./evaluate-region.js";
import type { RegionSpec } from "./region-spec.js";

/*
 * #17's derived bound, per linear stage. A region is S stages deep (convs,
 * pools, Linears on its longest path, `spec.stages`), each followed by the
 * BNs, affines, pads and sums up to the next. Each stage, as the original
 * model computes it, is within #17's per-block bound (16 u + 2 sqrt(n) u32)
 * of its own magnitude; that error reaches the output through the later
 * stages' weights, bounded by their absolute values, and ReLU / LeakyReLU
 * only shrink it: so within the same bound of M, the whole region in
 * absolute value over |x| (`evaluateRegion(spec, x, true)`). The errors of
 * the S stages add up. A converted model has at most S stages on any path
 * too (fusion only merges them), each a conv reading at most `spec.terms`
 * products (largest channel count times the region's window), its weights
 * and bias bounded term by term by M's (triangle inequality), rounded once.
 * Hence, for the original and the converted model alike:
 *
 *   |y - R| <= S * ((16 u + 2 sqrt(terms) u32) M + tiny),
 *
 * tiny covering roundings into float32's subnormal range (half a step,
 * 2^-150, per product and per intermediate rounding, scaled by the largest
 * gains after it).
 */

/** Largest |gain| of one op (a BN's t, a Mul's or Div's factor), at least 1. */
function gain(op: RegionSpec["ops"][number]): number {
  let g = 1;
  if (op.kind === "bn")
    for (let c = 0; c < op.gamma.length; c++)
      g = Math.max(g, Math.abs(op.gamma[c]! / Math.sqrt(op.variance[c]! + op.eps)));
  if (op.kind === "affine" && op.op === "Mul") for (const v of op.value) g = Math.max(g, Math.abs(v));
  if (op.kind === "affine" && op.op === "Div") for (const v of op.value) g = Math.max(g, 1 / Math.abs(v));
  return g;
}

/** The absolute slack of {@link regionBound}: 2^-150 per product and per rounding, times the gains of the region. */
export function regionTiny(spec: RegionSpec): number {
  const gains = spec.ops.reduce((p, op) => p * gain(op), 1);
  return 2 ** -150 * (spec.terms + 8 * spec.ops.length * gains);
}

/** The largest |y - R| allowed for an output element of magnitude `m` in `spec` (float32). */
export function regionBound(spec: RegionSpec, m: number, tiny = regionTiny(spec)): number {
  return spec.stages * elementBound(m, UNIT.float32, tiny, spec.terms);
}

/** How a runtime output compares with the reference: ok, and the worst element's excess over its bound. */
export interface RegionCheck {
  readonly ok: boolean;
  /** max |y - R| / bound (<= 1 when ok). */
  readonly excess: number;
  readonly detail: string;
}

/** Checks `actual` against the float64 reference `value` element by element within {@link regionBound}. */
export function checkRegionOutput(spec: RegionSpec, actual: Dense, value: Dense, magnitude: Dense): RegionCheck {
  if (actual.shape.join() !== value.shape.join())
    return { ok: false, excess: Infinity, detail: `shape [${actual.shape}], expected [${value.shape}]` };
  const tiny = regionTiny(spec);
  let excess = 0;
  let detail = "";
  for (let i = 0; i < value.data.length; i++) {
    const a = actual.data[i]!;
    const bound = regionBound(spec, magnitude.data[i]!, tiny);
    const over = Number.isFinite(a) ? Math.abs(a - value.data[i]!) / bound : Infinity;
    if (over > excess || (over === excess && detail === "")) {
      excess = over;
      detail = `|y - R| = ${Math.abs(a - value.data[i]!).toExponential(3)}, bound ${bound.toExponential(3)} at element ${i} (y ${a}, R ${value.data[i]})`;
    }
  }
  return { ok: excess <= 1, excess, detail };
}
