import { ReparamError } from "@reparam/core";

/**
 * How far a converted model's output `a` may be from the original's `b`.
 * An element passes when
 *
 *     |a - b| <= atol + rtol * |b| + scale * max|b| (+ its own bound, per block)
 *
 * with max|b| the largest finite magnitude of that output. NaN never passes;
 * +/-Infinity passes only against the same infinity.
 */
export interface Tolerances {
  /** Absolute tolerance (>= 0). */
  readonly atol: number;
  /** Relative tolerance (>= 0), relative to the original's element (numpy.isclose's rtol). */
  readonly rtol: number;
  /** Tolerance relative to the output's scale, max|b| (>= 0; absent: 0). */
  readonly scale?: number;
}

/**
 * Whole-model default: `|a - b| <= 1e-5 * max|b|` per output, the target
 * the conformance fixtures state for a correct conversion. Relative to the
 * output's scale, not to each element: a re-parameterized float32 network
 * differs from its train-time form by summation order and one rounding of
 * each fused weight, errors of 1e-7 to 2e-6 of max|b| measured on every
 * conformance case, while elements that cancel to near zero (networks with
 * near-zero BatchNorm variances) have no meaningful elementwise relative
 * error. Each fused block is also checked on its own within a bound derived
 * from its computation ({@link blockBound}), which is what finds a single
 * wrong weight.
 */
export const DEFAULT_TOLERANCES: Tolerances = { atol: 0, rtol: 0, scale: 1e-5 };

/** The elementwise tolerances used when a caller sets only one of atol / rtol: atol 1e-5, rtol 1e-4. */
export const ELEMENTWISE_TOLERANCES: Tolerances = { atol: 1e-5, rtol: 1e-4 };

/**
 * The tolerances a comparison uses. Nothing set: `defaults`. Any of
 * `atol` / `rtol` set: the elementwise rule, the unset one from
 * {@link ELEMENTWISE_TOLERANCES}, `scale` 0 unless set too. Throws
 * `VALIDATE_BAD_OPTION` for a negative or non-finite value.
 */
export function resolveTolerances(
  partial: Partial<Tolerances> = {},
  defaults: Tolerances = DEFAULT_TOLERANCES,
): Tolerances {
  const elementwise = partial.atol !== undefined || partial.rtol !== undefined;
  const base = elementwise ? { ...ELEMENTWISE_TOLERANCES, scale: 0 } : defaults;
  const t = {
    atol: partial.atol ?? base.atol,
    rtol: partial.rtol ?? base.rtol,
    scale: partial.scale ?? base.scale ?? 0,
  };
  for (const [key, value] of Object.entries(t)) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new ReparamError("VALIDATE_BAD_OPTION", `tolerance ${key} must be a finite number >= 0`, {
        where: key,
        found: String(value),
      });
    }
  }
  return t;
}

/** The elementwise part of the pass rule for one element: `|a - b| <= atol + rtol * |b|` (numpy.isclose, equal_nan false). */
export function isClose(a: number, b: number, t: Tolerances): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= t.atol + t.rtol * Math.abs(b);
}

/**
 * How many times the sum of the fused blocks' storage steps the whole
 * models may differ by, relative to max|b|, beyond {@link DEFAULT_TOLERANCES}.
 * Measured on the encoding fixtures of tools/models (repvgg-sample, 7
 * fused blocks, onnxruntime and TF.js cpu): the whole models differed by at
 * most 1.66 (uint16), 0.84 (uint8), 0.11 (float16 TF.js weights) and 0.12
 * (a float16 ONNX model computed in float16) times max|b| times the summed
 * step; 4 leaves 2.4x room above the largest.
 */
export const STORAGE_SCALE_FACTOR = 4;

/**
 * Whole-model tolerances for a conversion whose fused weights are stored
 * coarser than float32 (float16, or re-quantized onto a uint8/uint16 grid):
 * `scale` grows by {@link STORAGE_SCALE_FACTOR} times the sum over the
 * fused blocks of each one's relative storage step (2^-11 for float16; half
 * a grid step over the kernel's range, 1 / (2 qmax) for a fresh grid). Each
 * block's change of output is that step times its magnitude at most, and
 * the per-block check bounds it exactly ({@link blockBound} with
 * `gridAllowance`); through the rest of the network it may grow or shrink,
 * which is what the measured factor covers. Float32 storage (no steps)
 * gives `base` unchanged.
 *
 * @param steps - one relative step per fused block stored coarser than float32.
 */
export function storageTolerances(steps: readonly number[], base: Tolerances = DEFAULT_TOLERANCES): Tolerances {
  const sum = steps.reduce((a, b) => a + b, 0);
  return sum > 0 ? { ...base, scale: (base.scale ?? 0) + STORAGE_SCALE_FACTOR * sum } : base;
}
