import {
  narrowFloat16,
  quantizeAffine,
  type AffineDtype,
  type AffineRange,
  type RequantizedTensor,
} from "@reparam/core";
import type { TfjsWeight } from "../codec/tfjs-weight.js";
import type { WeightQuantization } from "../codec/weights-manifest.js";

/**
 * How a fused kernel or bias is stored: float32, float16-quantized float32,
 * or affine-quantized (uint8/uint16, fresh min/scale; `previous` is the grid
 * of the input weight it stands for, kept when every value is still on it).
 */
export type FusedEncoding =
  | { readonly kind: "float32" }
  | { readonly kind: "float16" }
  | { readonly kind: "affine"; readonly dtype: AffineDtype; readonly previous?: AffineRange };

/** The `--dtype` option as the writer sees it: the input's encoding (`keep`), or forced. */
export type FusedDtypeOption = "keep" | "f32" | "f16";

const FLOAT32: FusedEncoding = { kind: "float32" };
const FLOAT16: FusedEncoding = { kind: "float16" };

function encodingOf(w: TfjsWeight | undefined): FusedEncoding {
  const q = w?.quantization;
  if (q === undefined) return FLOAT32;
  if (q.dtype === "float16") return FLOAT16;
  const grid = q.min !== undefined && q.scale !== undefined ? { previous: { min: q.min, scale: q.scale } } : {};
  return { kind: "affine", dtype: q.dtype, ...grid };
}

const size = (w: TfjsWeight): number => w.shape.reduce((a, b) => a * b, 1);
const sameKind = (a: FusedEncoding, b: FusedEncoding): boolean =>
  a.kind === b.kind && (a.kind !== "affine" || a.dtype === (b as { dtype?: string }).dtype);

/**
 * The encodings of a block's fused kernel and bias. Forced by `f32` / `f16`;
 * with `keep`, those of the float weights the block read: the kernel takes
 * the encoding of the largest one (the block's main kernel), the bias the
 * encoding its vectors (BN parameters, biases) share, float32 when they
 * differ, the kernel's when the block read none.
 */
export function fusedEncodings(
  option: FusedDtypeOption,
  read: readonly TfjsWeight[],
): { kernel: FusedEncoding; bias: FusedEncoding } {
  if (option === "f32") return { kernel: FLOAT32, bias: FLOAT32 };
  if (option === "f16") return { kernel: FLOAT16, bias: FLOAT16 };
  const floats = read.filter((w) => w.dtype === "float32");
  const main = floats.reduce<TfjsWeight | undefined>(
    (m, w) => (m === undefined || size(w) > size(m) ? w : m),
    undefined,
  );
  const kernel = encodingOf(main);
  const vectors = floats.filter((w) => w.shape.length <= 1).map(encodingOf);
  const first = vectors[0];
  if (first === undefined) return { kernel, bias: kernel };
  const longest = floats.filter((w) => w.shape.length <= 1).reduce((m, w) => (size(w) > size(m) ? w : m));
  return { kernel, bias: vectors.every((e) => sameKind(e, first)) ? encodingOf(longest) : FLOAT32 };
}

/** A fused tensor's stored bytes and manifest quantization, and its re-quantization when affine. */
export interface EncodedFused {
  readonly bytes: Uint8Array;
  readonly quantization?: WeightQuantization;
  readonly requantized?: RequantizedTensor;
}

/**
 * Stores exact (float64) fused values in `encoding`, each rounded once:
 * float32, float16 bits, or affine integers with their grid.
 *
 * @param into - gives the memory for the stored bytes (4-byte aligned, stale
 *   contents: every byte is written), e.g. a reused buffer; new memory when absent.
 */
export function encodeFused(
  name: string,
  values: Float64Array,
  encoding: FusedEncoding,
  into: (byteLength: number) => Uint8Array = (n) => new Uint8Array(n),
): EncodedFused {
  const n = values.length;
  if (encoding.kind === "float32") {
    const bytes = into(4 * n);
    new Float32Array(bytes.buffer, bytes.byteOffset, n).set(values);
    return { bytes };
  }
  if (encoding.kind === "float16") {
    const bytes = into(2 * n);
    const a = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) a[i] = narrowFloat16(values[i]!);
    return { bytes, quantization: { dtype: "float16" } };
  }
  const q = quantizeAffine(values, encoding.dtype, encoding.previous, into(encoding.dtype === "uint8" ? n : 2 * n));
  return {
    bytes: q.bytes,
    quantization: { dtype: q.dtype, min: q.min, scale: q.scale },
    requantized: {
      name,
      dtype: q.dtype,
      maxError: q.maxError,
      range: q.range,
      relativeError: q.range > 0 ? q.maxError / q.range : 0,
      keptRange: q.keptRange,
    },
  };
}

/** The manifest quantization a fused weight is laid out with before its values exist (affine grids are filled in when computed). */
export function plannedQuantization(encoding: FusedEncoding): WeightQuantization | undefined {
  if (encoding.kind === "float32") return undefined;
  if (encoding.kind === "float16") return { dtype: "float16" };
  return { dtype: encoding.dtype, min: 0, scale: 1 };
}
