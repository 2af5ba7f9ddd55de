import { ReparamError } from "@reparam/core";

/**
 * Element tolerances, numpy.isclose semantics: an element passes when
 * `|a - b| <= atol + rtol * |b|`, with `a` the converted model's value and `b`
 * the original's (the reference). NaN never passes; +/-Infinity passes only
 * against the same infinity.
 */
export interface Tolerances {
  /** Absolute tolerance (>= 0). */
  readonly atol: number;
  /** Relative tolerance (>= 0), relative to the original's value. */
  readonly rtol: number;
}

/**
 * Defaults for comparing whole float32 models: `atol 1e-5`, `rtol 1e-4`. A
 * re-parameterized float32 model differs from its train-time form by
 * summation order and one rounding of each fused weight: a few ulp of the
 * activations (the conformance pairs differ by < 1e-6 relative to their
 * largest output), well inside these bounds, while one stem weight changed by
 * 1e-2 moves a RepVGG output by ~1e-4.
 */
export const DEFAULT_TOLERANCES: Tolerances = { atol: 1e-5, rtol: 1e-4 };

/**
 * Defaults of the per-block check (`verifyBlocks`): `atol 1e-4`, `rtol 1e-3`.
 * There the reference is the train-time branches run in float32, where a
 * BatchNorm with a near-zero variance amplifies float32 rounding (1/sqrt(var + eps)
 * up to ~30 for eps 1e-3), so the reference itself is less exact.
 */
export const BLOCK_TOLERANCES: Tolerances = { atol: 1e-4, rtol: 1e-3 };

/** Fills unset fields from `defaults`; throws `VALIDATE_BAD_OPTION` for a negative or non-finite value. */
export function resolveTolerances(partial: Partial<Tolerances> = {}, defaults: Tolerances = DEFAULT_TOLERANCES): Tolerances {
  const t = { atol: partial.atol ?? defaults.atol, rtol: partial.rtol ?? defaults.rtol };
  for (const [key, value] of Object.entries(t)) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new ReparamError("VALIDATE_BAD_OPTION", `tolerance ${key} must be a finite number >= 0`, { where: key, found: String(value) });
    }
  }
  return t;
}

/** The pass rule for one element: `|a - b| <= atol + rtol * |b|` (numpy.isclose, equal_nan false). */
export function isClose(a: number, b: number, t: Tolerances): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= t.atol + t.rtol * Math.abs(b);
}
