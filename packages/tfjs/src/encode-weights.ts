import { ReparamError } from "@reparam/core";
import { checkManifest } from "./_check-manifest.js";
import { checkWeightPath } from "./check-weight-path.js";
import type { TfjsWeight } from "./tfjs-weight.js";
import { weightByteLength } from "./weight-byte-length.js";
import type { WeightSpec, WeightsGroup } from "./weights-manifest.js";

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
  const { shardBytes = 4 * 1024 * 1024, groupName = "group1" } = options;
  if (!Number.isSafeInteger(shardBytes) || shardBytes <= 0) {
    throw new ReparamError("TFJS_BAD_OPTION", "shardBytes must be a positive integer", {
      where: "encodeWeights options.shardBytes",
      expected: "a positive integer number of bytes",
      found: String(shardBytes),
    });
  }
  checkWeightPath(`${groupName}-shard1of1.bin`, "encodeWeights options.groupName");
  const specs: WeightSpec[] = weights.map(specOf);
  checkManifest([{ paths: [], weights: specs }], "encodeWeights weights");
  const parts = weights.map((w, i) => bytesOf(w, specs[i]!, i));
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const n = Math.ceil(total / shardBytes);
  const shards = Array.from({ length: n }, (_, i) => ({
    path: `${groupName}-shard${i + 1}of${n}.bin`,
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
  return { manifest: [{ paths: shards.map((s) => s.path), weights: specs }], shards };
}

function specOf(w: EncodableWeight): WeightSpec {
  const dtype = "values" in w ? (w.values instanceof Int32Array ? "int32" : "float32") : w.dtype;
  return {
    name: w.name,
    shape: [...w.shape],
    dtype,
    ...("values" in w || w.quantization === undefined ? {} : { quantization: { ...w.quantization } }),
    ...(w.group === undefined ? {} : { group: w.group }),
  };
}

function bytesOf(w: EncodableWeight, spec: WeightSpec, i: number): Uint8Array {
  const where = `encodeWeights weights[${i}] ${JSON.stringify(w.name)}`;
  const need = weightByteLength(spec, where);
  const bytes = "values" in w ? new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) : w.bytes;
  if (bytes.byteLength !== need) {
    throw new ReparamError("TFJS_BAD_WEIGHT", `weight ${JSON.stringify(w.name)} does not match its shape`, {
      where,
      expected: `${need} bytes for shape [${spec.shape.join(", ")}] ${spec.quantization?.dtype ?? spec.dtype}`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  return bytes;
}
