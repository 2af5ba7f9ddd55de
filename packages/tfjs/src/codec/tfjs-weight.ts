import type { TfjsDtype, WeightQuantization } from "./weights-manifest.js";

/**
 * One weight read from TF.js shards by {@link decodeWeights}: its manifest
 * entry and its exact stored bytes. Write it back unchanged by passing it to
 * {@link encodeWeights} as is; get its numbers with {@link weightValues}.
 */
export interface TfjsWeight {
  /** Name, verbatim from the manifest. */
  readonly name: string;
  /** Dimensions, outermost first (HWIO for conv kernels, `[kh, kw, C, multiplier]` depthwise). */
  readonly shape: readonly number[];
  /** Dtype of the dequantized values. */
  readonly dtype: TfjsDtype;
  /** How {@link TfjsWeight.bytes} is quantized; absent when stored as `dtype`. */
  readonly quantization?: WeightQuantization;
  /** The manifest entry's `group` (`model`/`optimizer`), when it had one. */
  readonly group?: string;
  /**
   * The stored bytes, exactly as in the shards: `product(shape)` elements of
   * the quantization dtype if quantized, else of `dtype`, little-endian. May
   * be a view of a larger buffer (the weights read together from one shard, or
   * the shard itself; do not mutate); a weight that straddles shards has an
   * array of its own.
   */
  readonly bytes: Uint8Array;
}
