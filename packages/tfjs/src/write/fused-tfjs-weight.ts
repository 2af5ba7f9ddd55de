import type { RequantizedTensor } from "@reparam/core";
import type { WeightQuantization } from "../codec/weights-manifest.js";

/**
 * A new weight whose bytes are computed only when it is written: the kernel
 * or bias of a fused block, made by {@link rewriteTfjsModel}. Stored as
 * `float32`, as float32 quantized to float16 (`quantization: {dtype:
 * "float16"}`, which TF.js dequantizes exactly), or affine-quantized to
 * uint8/uint16 with a grid known only once computed (see `settled`).
 */
export interface FusedTfjsWeight {
  readonly name: string;
  /** TF layout: HWIO `[kh, kw, in, out]`, `[kh, kw, C, M]` depthwise, `[out]` for a bias. */
  readonly shape: readonly number[];
  readonly dtype: "float32";
  /** The quantization it is laid out with; an affine one's `min`/`scale` are placeholders until `settled()`. */
  readonly quantization?: WeightQuantization;
  /**
   * After `compute()`: the quantization its bytes have (an affine grid's
   * fresh min/scale) and, when affine, the error the re-quantization made.
   * Absent: `quantization` as laid out.
   */
  settled?(): { readonly quantization?: WeightQuantization; readonly requantized?: RequantizedTensor };
  /**
   * Fuses the block (once for its kernel and bias together) and returns the
   * stored bytes: `product(shape)` float32 values, or float16 bits when
   * quantized, in the platform's byte order (little-endian, as TF.js assumes).
   */
  compute(): Promise<Uint8Array>;
  /**
   * Says that the bytes `compute()` returned are no longer used (written),
   * so that their memory serves the next fusion. Optional; after it, those
   * bytes may change.
   */
  release(): void;
}
