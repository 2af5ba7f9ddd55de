import { ReparamError } from "@reparam/core";
import { checkManifest } from "../codec/_check-manifest.js";
import { checkWeightPath } from "../codec/check-weight-path.js";
import type { EncodableWeight, EncodeWeightsOptions } from "./encodable-weight.js";
import type { FusedTfjsWeight } from "./fused-tfjs-weight.js";
import { weightByteLength } from "../codec/weight-byte-length.js";
import type { WeightSpec, WeightsGroup } from "../codec/weights-manifest.js";

/** A weight to write: kept bytes, new values, or bytes computed when its turn comes. */
export type ShardWeight = EncodableWeight | FusedTfjsWeight;

/** Where weights go in the shards, known before any byte is made. */
export interface ShardLayout {
  /** The `weightsManifest`: one group, every shard path, every weight in order. */
  readonly manifest: WeightsGroup[];
  /** Stored byte length of each weight, in order. */
  readonly lengths: readonly number[];
  /** Size of every shard but the last. */
  readonly shardBytes: number;
  /** Bytes of all shards together. */
  readonly total: number;
}

/**
 * Lays weights out the way the Python converter does: one group, back to
 * back in the given order, split into shards of `shardBytes` (the last one
 * shorter) named `<groupName>-shard<i>of<n>.bin`. Checks the options, the
 * names (unique), dtypes and quantizations before anything is written.
 *
 * @throws ReparamError `TFJS_BAD_OPTION`, `TFJS_PATH_ESCAPE`,
 *   `TFJS_DUPLICATE_WEIGHT`, `TFJS_BAD_MANIFEST`, `TFJS_UNKNOWN_DTYPE`,
 *   `TFJS_BAD_QUANTIZATION`.
 */
export function shardLayout(weights: readonly ShardWeight[], options: EncodeWeightsOptions = {}): ShardLayout {
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
  const lengths = specs.map((s, i) => weightByteLength(s, where(weights[i]!, i)));
  const total = lengths.reduce((a, b) => a + b, 0);
  const n = Math.ceil(total / shardBytes);
  const paths = Array.from({ length: n }, (_, i) => `${groupName}-shard${i + 1}of${n}.bin`);
  return { manifest: [{ paths, weights: specs }], lengths, shardBytes, total };
}

/**
 * The stored bytes of weight `i` as they are (kept bytes, or a view of new
 * values), checked against its length in the layout.
 *
 * @throws ReparamError `TFJS_BAD_WEIGHT` when the length differs.
 */
export function checkedBytes(w: ShardWeight, bytes: Uint8Array, layout: ShardLayout, i: number): Uint8Array {
  const need = layout.lengths[i]!;
  if (bytes.byteLength !== need) {
    const spec = layout.manifest[0]!.weights[i]!;
    throw new ReparamError("TFJS_BAD_WEIGHT", `weight ${JSON.stringify(w.name)} does not match its shape`, {
      where: where(w, i),
      expected: `${need} bytes for shape [${spec.shape.join(", ")}] ${spec.quantization?.dtype ?? spec.dtype}`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  return bytes;
}

/** The bytes of a weight that has them already (not a {@link FusedTfjsWeight}). */
export function storedBytes(w: EncodableWeight): Uint8Array {
  return "values" in w ? new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) : w.bytes;
}

const where = (w: ShardWeight, i: number): string => `encodeWeights weights[${i}] ${JSON.stringify(w.name)}`;

function specOf(w: ShardWeight): WeightSpec {
  const dtype = "values" in w ? (w.values instanceof Int32Array ? "int32" : "float32") : w.dtype;
  return {
    name: w.name,
    shape: [...w.shape],
    dtype,
    ...("values" in w || w.quantization === undefined ? {} : { quantization: { ...w.quantization } }),
    ...("group" in w && w.group !== undefined ? { group: w.group } : {}),
  };
}
