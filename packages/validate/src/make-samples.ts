import { ReparamError, shapeSize } from "@reparam/core";
import { loadInputSource, type InputSource, type LoadedInput } from "./input-source.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
import { isFeedableDtype, randomInput } from "./random-input.js";
import { resolveShape, shapeFits, type DynamicDims, type InputShapes } from "./resolve-shape.js";

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
  /** Whole shapes by input name (`--shape`): inputs without a declared shape need one. */
  readonly shapes?: InputShapes;
  /** One value for every element of an input, by input name (`--value`: a sample rate, a flag). */
  readonly values?: Readonly<Record<string, number>>;
  /** Size of free dynamic dims (see {@link resolveShape}); default {@link DEFAULT_FREE_SIZE}. */
  readonly freeSize?: number;
}

/**
 * The samples a run feeds both models. Every input is fed in its own dtype
 * (every float, integer and bool dtype; see {@link randomInput}); an input
 * named in `values` gets that value in every element. Without `inputs`:
 * `count` (default 2) seeded random samples, sample s of input i drawn from
 * a seed mixed from (seed, s, i). With `inputs`: values assigned to the
 * other inputs by name, unnamed ones in input order, sample after sample;
 * every such input must get the same number.
 */
export async function makeSamples(specs: readonly TensorSpec[], options: SampleOptions = {}): Promise<Sample[]> {
  for (const s of specs) {
    if (!isFeedableDtype(s.dtype)) {
      throw new ReparamError("VALIDATE_BAD_INPUT", "cannot feed this input dtype", {
        where: `input '${s.name}'`,
        expected: "a float, integer or bool tensor",
        found: s.dtype,
      });
    }
  }
  checkNames(specs, options.shapes, "--shape");
  for (const spec of specs) {
    const given = options.shapes?.[spec.name];
    if (given !== undefined && !shapeFits(spec, given)) {
      throw new ReparamError("VALIDATE_BAD_OPTION", "--shape does not fit the input's declared shape", {
        where: `input '${spec.name}'`,
        expected: `[${(spec.dims ?? []).map((d) => d ?? "?").join(", ")}]`,
        found: `[${given.join(", ")}]`,
      });
    }
  }
  checkNames(specs, options.values, "--value");
  const shape = (spec: TensorSpec) => resolveShape(spec, options.dims, options.freeSize, options.shapes);
  const fixed = (spec: TensorSpec): NumericTensor | undefined => {
    const v = options.values?.[spec.name];
    if (v === undefined) return undefined;
    const sh = shape(spec);
    return { name: spec.name, dtype: spec.dtype, shape: sh, data: new Float64Array(shapeSize(sh)).fill(v) };
  };
  const seed = options.seed ?? 0;
  if (options.inputs === undefined || options.inputs.length === 0) {
    const count = options.count ?? 2;
    if (!(Number.isInteger(count) && count >= 1))
      throw new ReparamError("VALIDATE_BAD_OPTION", "count must be an integer >= 1", { found: String(count) });
    return Array.from({ length: count }, (_, s) => ({
      label: `random, seed ${seed}, sample ${s}`,
      feeds: specs.map((spec, i) => {
        const given = fixed(spec);
        if (given !== undefined) return given;
        const sh = shape(spec);
        const data = randomInput(spec.dtype, mixSeed(seed, s, i), shapeSize(sh), `input '${spec.name}'`);
        return { name: spec.name, dtype: spec.dtype, shape: sh, data };
      }),
    }));
  }
  const loaded = await Promise.all(options.inputs.map(loadInputSource));
  const open = specs.filter((s) => options.values?.[s.name] === undefined);
  const lists = assign(open, loaded);
  return lists[0]!.map((_, s) => {
    const feeds = specs.map((spec) => {
      const j = open.indexOf(spec);
      return j < 0 ? fixed(spec)! : toFeed(spec, lists[j]![s]!, shape);
    });
    return {
      label:
        open.length === 1 ? lists[0]![s]!.label : open.map((sp, j) => `${sp.name}=${lists[j]![s]!.label}`).join(", "),
      feeds,
    };
  });
}

function checkNames(specs: readonly TensorSpec[], given: Readonly<Record<string, unknown>> | undefined, flag: string) {
  for (const name of Object.keys(given ?? {})) {
    if (!specs.some((s) => s.name === name)) {
      throw new ReparamError("VALIDATE_BAD_OPTION", `${flag} names no model input`, {
        expected: specs.map((s) => `'${s.name}'`).join(", "),
        found: `'${name}'`,
      });
    }
  }
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

function toFeed(spec: TensorSpec, input: LoadedInput, shape: (s: TensorSpec) => number[]): NumericTensor {
  const sh = input.shape ?? shape(spec);
  if (!shapeFits(spec, sh) || shapeSize(sh) !== input.data.length) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "input value does not fit the model input", {
      where: `${input.label} for input '${spec.name}'`,
      expected: `shape [${(spec.dims ?? []).map((d) => d ?? "?").join(", ")}]${input.shape === undefined ? ` (${shapeSize(sh)} values)` : ""}`,
      found: input.shape === undefined ? `${input.data.length} values` : `shape [${input.shape.join(", ")}]`,
    });
  }
  return { name: spec.name, dtype: spec.dtype, shape: sh, data: input.data };
}
