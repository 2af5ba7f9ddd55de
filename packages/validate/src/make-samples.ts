import { ReparamError, shapeSize } from "@reparam/core";
import { loadInputSource, type InputSource, type LoadedInput } from "./input-source.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
import { resolveShape, shapeFits, type DynamicDims } from "./resolve-shape.js";
import { seededValues } from "./seeded-values.js";

/** One set of model inputs, with where they came from. */
export interface Sample {
  readonly label: string;
  readonly feeds: readonly NumericTensor[];
}

/** How to make the samples: given inputs, or `count` seeded random ones. */
export interface SampleOptions {
  readonly inputs?: readonly InputSource[];
  readonly seed?: number;
  readonly count?: number;
  readonly dims?: DynamicDims;
}

/**
 * The samples a run feeds both models. Without `inputs`: `count` (default 2)
 * samples of seeded uniform [-1, 1) float32 values, sample s of input i drawn
 * from a seed mixed from (seed, s, i). With `inputs`: values assigned to the
 * model's inputs by name, unnamed ones in input order, sample after sample;
 * every input must get the same number. Only float32 inputs are supported.
 */
export async function makeSamples(specs: readonly TensorSpec[], options: SampleOptions = {}): Promise<Sample[]> {
  for (const s of specs) {
    if (s.dtype !== "float32") {
      throw new ReparamError("VALIDATE_BAD_INPUT", "only float32 model inputs are supported", {
        where: `input '${s.name}'`,
        found: s.dtype,
      });
    }
  }
  const seed = options.seed ?? 0;
  if (options.inputs === undefined || options.inputs.length === 0) {
    const count = options.count ?? 2;
    if (!(Number.isInteger(count) && count >= 1))
      throw new ReparamError("VALIDATE_BAD_OPTION", "count must be an integer >= 1", { found: String(count) });
    return Array.from({ length: count }, (_, s) => ({
      label: `random, seed ${seed}, sample ${s}`,
      feeds: specs.map((spec, i) => {
        const shape = resolveShape(spec, options.dims);
        return { name: spec.name, dtype: "float32", shape, data: seededValues(mixSeed(seed, s, i), shapeSize(shape)) };
      }),
    }));
  }
  const loaded = await Promise.all(options.inputs.map(loadInputSource));
  const lists = assign(specs, loaded);
  return lists[0]!.map((_, s) => {
    const feeds = specs.map((spec, i) => toFeed(spec, lists[i]![s]!, options.dims));
    return {
      label:
        feeds.length === 1 ? lists[0]![s]!.label : specs.map((sp, i) => `${sp.name}=${lists[i]![s]!.label}`).join(", "),
      feeds,
    };
  });
}

function mixSeed(seed: number, sample: number, input: number): number {
  return (
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(sample + 1, 0x85ebca77) ^ Math.imul(input + 1, 0xc2b2ae3d)) >>> 0
  );
}

function assign(specs: readonly TensorSpec[], loaded: readonly LoadedInput[]): LoadedInput[][] {
  const lists = specs.map((): LoadedInput[] => []);
  for (const input of loaded) {
    const i =
      input.name === undefined
        ? lists.reduce((best, l, j) => (l.length < lists[best]!.length ? j : best), 0)
        : specs.findIndex((s) => s.name === input.name);
    if (i < 0) {
      throw new ReparamError("VALIDATE_BAD_INPUT", "input value names no model input", {
        where: input.label,
        expected: specs.map((s) => `'${s.name}'`).join(", "),
        found: `'${input.name}'`,
      });
    }
    lists[i]!.push(input);
  }
  const counts = lists.map((l) => l.length);
  if (counts.some((c) => c !== counts[0]) || counts[0] === 0) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "every model input needs the same number of values", {
      expected: specs.map((s) => s.name).join(", "),
      found: counts.join(", "),
    });
  }
  return lists;
}

function toFeed(spec: TensorSpec, input: LoadedInput, dims: DynamicDims | undefined): NumericTensor {
  const shape = input.shape ?? resolveShape(spec, dims);
  if (!shapeFits(spec, shape) || shapeSize(shape) !== input.data.length) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "input value does not fit the model input", {
      where: `${input.label} for input '${spec.name}'`,
      expected: `shape [${(spec.dims ?? []).map((d) => d ?? "?").join(", ")}]${input.shape === undefined ? ` (${shapeSize(shape)} float32 values)` : ""}`,
      found: input.shape === undefined ? `${input.data.length} float32 values` : `shape [${input.shape.join(", ")}]`,
    });
  }
  return { name: spec.name, dtype: "float32", shape, data: input.data };
}
