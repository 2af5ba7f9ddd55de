import type { TfjsWeight } from "./tfjs-weight.js";
import { weightByteLength } from "./weight-byte-length.js";

/** Reads a lazy weight's stored bytes: into `target` when given (exactly their length), else into new memory. */
export type WeightLoader = (target?: Uint8Array) => Promise<Uint8Array>;

const loaders = new WeakMap<TfjsWeight, WeightLoader>();

/** Weights of at least this many bytes (float32 values, stored or quantized) are left in their shards at decode. */
export const LAZY_WEIGHT_BYTES = 64 * 1024;

/**
 * Marks `weight` (whose `bytes` is empty) as left in its shards: `load`
 * reads its stored bytes when they are needed ({@link weightBytes}), so a
 * decoded model holds its structure and small weights, not its kernels.
 */
export function setLazyWeight(weight: TfjsWeight, load: WeightLoader): void {
  loaders.set(weight, load);
}

/** True when `weight`'s bytes were left in its shards. */
export function isLazyWeight(weight: TfjsWeight): boolean {
  return loaders.has(weight);
}

/** The stored bytes of `weight`: its own, or read from its shards. */
export function weightBytes(weight: TfjsWeight): Promise<Uint8Array> {
  return loaders.get(weight)?.() ?? Promise.resolve(weight.bytes);
}

/**
 * `weight` with its bytes in memory: itself, or a copy with them read from
 * its shards, into `target(byteLength)` when given (a reused buffer: the
 * caller lends it, and takes it back when done with the weight).
 */
export async function loadedWeight(
  weight: TfjsWeight,
  target?: (byteLength: number) => Uint8Array | undefined,
): Promise<TfjsWeight> {
  const load = loaders.get(weight);
  if (load === undefined) return weight;
  return { ...weight, bytes: await load(target?.(weightByteLength(weight, `weight ${JSON.stringify(weight.name)}`))) };
}
