import { checkedBytes, shardLayout, storedBytes } from "./_shard-layout.js";
import type { EncodableWeight, EncodeWeightsOptions } from "./encodable-weight.js";
import type { WeightsGroup } from "../codec/weights-manifest.js";

/** Shards and manifest made by {@link encodeWeights}. */
export interface EncodedWeights {
  /** The new `weightsManifest`: one group listing the shards and every weight in input order. */
  readonly manifest: WeightsGroup[];
  /** Shard files to write next to `model.json`, in order. */
  readonly shards: { readonly path: string; readonly bytes: Uint8Array }[];
}

/**
 * Writes weights the way the Python converter does: one group, the weights
 * back to back in the given order, split into shards of `shardBytes` (the
 * last one shorter), named `<groupName>-shard<i>of<n>.bin`; a weight may
 * straddle shards. A {@link TfjsWeight} keeps its exact bytes and
 * quantization; a {@link NewTfjsWeight} is written unquantized. No weights
 * (or only empty ones) give no shards.
 *
 * @param weights - the weights, in storage order; names must be unique.
 * @param options - shard size and file name prefix.
 * @throws ReparamError `TFJS_BAD_OPTION` (shardBytes not a positive integer),
 *   `TFJS_PATH_ESCAPE` (groupName), `TFJS_BAD_WEIGHT` (bytes or values that do
 *   not match shape, dtype and quantization), `TFJS_DUPLICATE_WEIGHT`,
 *   `TFJS_BAD_MANIFEST`, `TFJS_UNKNOWN_DTYPE`, `TFJS_BAD_QUANTIZATION`.
 */
export function encodeWeights(weights: readonly EncodableWeight[], options: EncodeWeightsOptions = {}): EncodedWeights {
  const layout = shardLayout(weights, options);
  const parts = weights.map((w, i) => checkedBytes(w, storedBytes(w), layout, i));
  const { manifest, shardBytes, total } = layout;
  const shards = manifest[0]!.paths.map((path, i) => ({
    path,
    bytes: new Uint8Array(Math.min(shardBytes, total - i * shardBytes)),
  }));
  let offset = 0;
  for (const part of parts) {
    // Copy the weight into as many shards as it spans.
    let done = 0;
    while (done < part.byteLength) {
      const at = offset + done;
      const shard = shards[Math.floor(at / shardBytes)]!.bytes;
      const from = at % shardBytes;
      const len = Math.min(shard.byteLength - from, part.byteLength - done);
      shard.set(part.subarray(done, done + len), from);
      done += len;
    }
    offset += part.byteLength;
  }
  return { manifest, shards };
}
