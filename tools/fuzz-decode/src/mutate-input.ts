import fc from "fast-check";
import { byteMutators } from "./byte-mutators.js";
import { Draw } from "./draw.js";
import { fileSetMutators } from "./file-set-mutators.js";
import type { FuzzFormat, ModelFiles } from "./model-files.js";
import type { Mutator } from "./mutator.js";
import { onnxMutators } from "./onnx-mutators.js";
import { pytorchMutators } from "./pytorch-mutators.js";
import { safetensorsMutators } from "./safetensors-mutators.js";
import { tfjsMutators } from "./tfjs-mutators.js";

/** The mutators of a format: its own ones twice (they reach deeper), then the format-blind ones. */
export function mutatorsOf(format: FuzzFormat): readonly Mutator[] {
  const own = { onnx: onnxMutators, safetensors: safetensorsMutators, tfjs: tfjsMutators, pytorch: pytorchMutators }[
    format
  ];
  return [...own, ...own, ...byteMutators, ...fileSetMutators];
}

/** What fast-check draws for one input: a starting model and one to three mutation steps. */
const planArbitrary = fc.record({
  base: fc.nat(),
  steps: fc.array(fc.record({ op: fc.nat(), seed: fc.nat() }), { minLength: 1, maxLength: 3 }),
});

/** A mutated input and how it was made. */
export interface MutatedInput {
  readonly seed: number;
  readonly model: ModelFiles;
  /** `label` of the starting model, then each step's mutator and note. */
  readonly notes: readonly string[];
}

/**
 * The input of seed `seed`: fast-check draws (deterministically, from that
 * seed alone) a starting model among `corpus` and the mutation steps; each
 * step applies one mutator of the format (a bit flip when it does not
 * apply). The same seed and corpus give the same bytes on every machine.
 */
export function mutateInput(corpus: readonly ModelFiles[], seed: number): MutatedInput {
  const [plan] = fc.sample(planArbitrary, { seed, numRuns: 1 });
  const base = corpus[plan!.base % corpus.length]!;
  const mutators = mutatorsOf(base.format);
  let model = base;
  const notes = [base.label];
  for (const step of plan!.steps) {
    const d = new Draw(step.seed);
    const m = mutators[step.op % mutators.length]!;
    const r = m.apply(model, d) ?? byteMutators[0]!.apply(model, d);
    if (r === undefined) continue;
    model = r.model;
    notes.push(`${m.name}: ${r.note}`);
  }
  return { seed, model, notes };
}
