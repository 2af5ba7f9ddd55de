import { seededRandom } from "./seeded-random.js";
import type { TensorSpec } from "./tensor-spec.js";

/**
 * The values of one tensor for a model seed, drawn as its `init` says
 * (see {@link TensorSpec}); row-major in its shape. Deterministic: a
 * function of (seed, name, shape, init) only.
 */
export function tensorValues(spec: TensorSpec, seed: number): Float32Array | BigInt64Array {
  const n = spec.shape.reduce((a, d) => a * d, 1);
  const r = seededRandom(seed, spec.name);
  const init = spec.init;
  if (init.kind === "count") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(1 + Math.floor(r.next() * 99999));
    return out;
  }
  const out = new Float32Array(n);
  switch (init.kind) {
    case "kaiming": {
      const bound = 1 / Math.sqrt(init.fanIn);
      return r.uniform(out, -bound, bound);
    }
    case "gamma":
      return r.uniform(out, 0.5, 1.5);
    case "beta":
    case "mean":
      return r.normal(out, 0, 0.1);
    case "var":
      return r.uniform(out, 0.5, 2);
  }
}

/** {@link tensorValues} of a float32 tensor; throws on an int64 one (a bug). */
export function floatValues(spec: TensorSpec, seed: number): Float32Array {
  const v = tensorValues(spec, seed);
  if (!(v instanceof Float32Array)) throw new Error(`tensor ${spec.name} is not float32`);
  return v;
}

/** The bytes of values, a view (no copy): little-endian on the little-endian hosts this tool runs on (x86-64, arm64). */
export function valueBytes(v: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
