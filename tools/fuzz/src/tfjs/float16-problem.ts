import type { BlockSpec, BnSpec } from "../block-spec.js";

/** Largest finite float16. */
const FLOAT16_MAX = 65504;

function* arrays(bn: BnSpec | undefined): Generator<Float64Array> {
  if (bn !== undefined) yield* [bn.gamma, bn.beta, bn.mean, bn.variance];
}

/** Every stored float array of a block (kernels, biases, BN vectors). */
function* blockArrays(spec: BlockSpec): Generator<Float64Array> {
  for (const b of spec.branches) {
    if (b.kind === "conv") yield* [b.kernel.data, ...(b.bias ? [b.bias] : []), ...arrays(b.bn)];
    else if (b.kind === "sequential") {
      for (const s of [b.first, b.second])
        if (s !== undefined) yield* [s.kernel.data, ...(s.bias ? [s.bias] : []), ...arrays(s.bn)];
      yield* arrays(b.pool?.bn);
    } else yield* arrays(b.bn);
  }
  yield* arrays(spec.postBn);
}

/**
 * Why a block's values do not fit float16 storage (one would be stored as
 * infinity), or undefined. Only storage: TF.js dequantizes float16 weights
 * to float32 and computes in float32, so the block's magnitude is no limit
 * here (unlike `fitsFloat16` for models that compute in float16).
 */
export function float16Problem(spec: BlockSpec): string | undefined {
  for (const a of blockArrays(spec))
    for (const v of a) if (!(Math.abs(v) < FLOAT16_MAX + 16)) return `a value ${v} is out of float16's range`;
  return undefined;
}
