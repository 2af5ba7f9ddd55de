import type { TfjsWeight } from "../codec/tfjs-weight.js";

/** A weight with new values, written unquantized as `float32` (or `int32` from an `Int32Array`). */
export interface NewTfjsWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** `product(shape)` values, row-major. */
  readonly values: Float32Array | Int32Array;
  /** The manifest entry's `group` (`model`/`optimizer`), if any. */
  readonly group?: string;
}

/** What {@link encodeWeights} writes: a weight kept byte for byte, or one with new values. */
export type EncodableWeight = TfjsWeight | NewTfjsWeight;

/** Options of {@link encodeWeights}. */
export interface EncodeWeightsOptions {
  /** Size of every shard but the last, in bytes. Default 4 MiB (4194304), as the Python converter. */
  readonly shardBytes?: number;
  /** Shard file name prefix. Default `group1`, giving `group1-shard1of3.bin`, .... */
  readonly groupName?: string;
}
