import type { TfjsWeight } from "./tfjs-weight.js";

const loaders = new WeakMap<TfjsWeight, () => Promise<Uint8Array>>();

/** Weights of at least this many bytes (float32 values, stored or quantized) are left in their shards at decode. */
export const LAZY_WEIGHT_BYTES = 64 * 1024;

/**
 * Marks `weight` (whose `bytes` is empty) as left in its shards: `load`
 * reads its stored bytes when they are needed ({@link weightBytes}), so a
 * decoded model holds its structure and small weights, not its kernels.
 */
export function setLazyWeight(weight: TfjsWeight, load: () => Promise<Uint8Array>): void {
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

/** `weight` with its bytes in memory: itself, or a copy with them read from its shards. */
export async function loadedWeight(weight: TfjsWeight): Promise<TfjsWeight> {
  const load = loaders.get(weight);
  return load === undefined ? weight : { ...weight, bytes: await load() };
}
