import type { FormatAdapter } from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { pytorchAdapter } from "@reparam/pytorch";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";
import type { FuzzFormat, ModelFiles } from "./model-files.js";
import { mutateInput } from "./mutate-input.js";
import { type Outcome, runInput } from "./run-input.js";

/** The adapter that decodes each format. */
export const ADAPTERS: Readonly<Record<FuzzFormat, FormatAdapter<unknown>>> = {
  onnx: onnxAdapter as FormatAdapter<unknown>,
  safetensors: safetensorsAdapter as FormatAdapter<unknown>,
  tfjs: tfjsAdapter as FormatAdapter<unknown>,
  pytorch: pytorchAdapter as FormatAdapter<unknown>,
};

/** A failure worth a regression test: how to rebuild the input, and what happened. */
export interface Finding {
  readonly format: FuzzFormat;
  readonly seed: number;
  readonly notes: readonly string[];
  readonly outcome: Extract<Outcome, { kind: "crash" | "hang" }>;
}

/** Counts of one format's run. */
export interface FormatSummary {
  readonly format: FuzzFormat;
  inputs: number;
  accepted: number;
  rejected: number;
  readonly byCode: Map<string, number>;
  readonly findings: Finding[];
  /** Slowest input, in ms. */
  slowest: number;
}

/** Options of {@link fuzzDecode}. */
export interface FuzzDecodeOptions {
  readonly format: FuzzFormat;
  /** Seeds `seed` .. `seed + inputs - 1`, one input each. */
  readonly seed: number;
  readonly inputs: number;
  /** The starting models (all formats; those of `format` are used). */
  readonly corpus: readonly ModelFiles[];
  readonly onInput?: (done: number) => void;
}

/**
 * Mutation-fuzzes one format's decoder: `inputs` mutated models (see
 * {@link mutateInput}), each run through the adapter (see {@link runInput}),
 * counted by outcome. Findings carry their seed: `mutateInput(corpus, seed)`
 * rebuilds the input.
 */
export async function fuzzDecode(o: FuzzDecodeOptions): Promise<FormatSummary> {
  const corpus = o.corpus.filter((m) => m.format === o.format);
  const summary: FormatSummary = {
    format: o.format,
    inputs: 0,
    accepted: 0,
    rejected: 0,
    byCode: new Map(),
    findings: [],
    slowest: 0,
  };
  for (let i = 0; i < o.inputs; i++) {
    const input = mutateInput(corpus, o.seed + i);
    const outcome = await runInput(ADAPTERS[o.format], input.model);
    summary.inputs++;
    summary.slowest = Math.max(summary.slowest, outcome.ms);
    if (outcome.kind === "accepted") summary.accepted++;
    else if (outcome.kind === "rejected") {
      summary.rejected++;
      summary.byCode.set(outcome.code, (summary.byCode.get(outcome.code) ?? 0) + 1);
    } else summary.findings.push({ format: o.format, seed: input.seed, notes: input.notes, outcome });
    o.onInput?.(i + 1);
  }
  return summary;
}
