import type { BlockSpec, BnSpec } from "../block-spec.js";
import { affineBn, bnAffine, mapSpec } from "../map-spec.js";
import { roundArray } from "../round-values.js";
import type { OnnxStyle } from "./onnx-style.js";

type Stage = {
  readonly kernel: { readonly data: Float64Array; readonly shape: readonly [number, number, number, number] };
  readonly bias?: Float64Array;
  readonly bn?: BnSpec;
};

/** W' = W * t[o], b' = beta + (b - mean) * t: a conv+BN as the eval export folds it (float64, rounded later). */
function fold<S extends Stage>(s: S): S {
  if (s.bn === undefined) return s;
  const { scale, shift } = bnAffine(s.bn);
  const [o] = s.kernel.shape;
  const per = s.kernel.data.length / o;
  const data = s.kernel.data.map((w, i) => w * scale[Math.floor(i / per)]!);
  const bias = shift.map((sh, c) => sh + (s.bias?.[c] ?? 0) * scale[c]!);
  const { bn: _bn, ...rest } = s;
  return { ...rest, kernel: { data, shape: s.kernel.shape }, bias } as S;
}

/**
 * The spec with the values an ONNX spelling stores: conv+BN pairs folded (eval
 * export; BNAndPad's BN and the identity, pool and post-sum BNs stay), BNs
 * as affines (Mul + Add), then every value rounded to the model's dtype
 * (BN statistics to float32 where the style keeps them so).
 */
export function storedOnnxSpec(spec: BlockSpec, style: OnnxStyle): BlockSpec {
  let s = spec;
  if (style.foldConvBn) {
    s = {
      ...s,
      branches: s.branches.map((b) => {
        if (b.kind === "conv") return fold(b);
        if (b.kind === "sequential" && b.second !== undefined) return { ...b, second: fold(b.second) };
        return b;
      }),
    };
  }
  if (style.bn === "mul-add") {
    s = mapSpec(s, {
      bn: (b) => {
        const { scale, shift } = bnAffine(b);
        return affineBn(scale, shift);
      },
    });
  }
  const values = roundArray(style.dtype);
  const bnValues = style.bnParamsFloat32 && style.bn === "node" ? roundArray("float32") : values;
  return mapSpec(s, { values, bnValues });
}
