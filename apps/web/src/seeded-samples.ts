import { resolveShape, seededValues, type NumericTensor, type TensorSpec } from "@reparam/validate/browser";

/** One set of model inputs. */
export interface Sample {
  readonly label: string;
  readonly feeds: readonly NumericTensor[];
}

/** `seed`, sample and input index mixed into one 32-bit seed, as `@reparam/validate`'s makeSamples mixes them. */
function mixSeed(seed: number, sample: number, input: number): number {
  return (
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(sample + 1, 0x85ebca77) ^ Math.imul(input + 1, 0xc2b2ae3d)) >>> 0
  );
}

/**
 * `count` seeded uniform [-1, 1) samples for a model's inputs (dynamic
 * dimensions 1), the same values `reparam verify` feeds for the same seed.
 */
export function seededSamples(specs: readonly TensorSpec[], count = 2, seed = 0): Sample[] {
  for (const s of specs)
    if (s.dtype !== "float32") throw new Error(`input '${s.name}' is ${s.dtype}; only float32 inputs are fed`);
  return Array.from({ length: count }, (_, s) => ({
    label: `random, seed ${seed}, sample ${s}`,
    feeds: specs.map((spec, i) => {
      const shape = resolveShape(spec);
      const n = shape.reduce((a, d) => a * d, 1);
      return { name: spec.name, dtype: "float32", shape, data: seededValues(mixSeed(seed, s, i), n) };
    }),
  }));
}
