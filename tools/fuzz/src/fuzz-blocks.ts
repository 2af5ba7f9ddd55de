import { generateBlock } from "./generate-block.js";
import { Rng } from "./rng.js";
import { type CaseCheck, type Outcome, checkCase } from "./run-case.js";
import type { Spelling } from "./spelling.js";

/** One block run in one spelling. */
export interface CaseResult {
  readonly seed: number;
  readonly family: string;
  readonly format: Spelling["format"];
  readonly spelling: string;
  readonly outcome: Outcome;
  /** For fused blocks: largest |y - R| / bound of the original and converted outputs. */
  readonly errors?: CaseCheck["errors"];
}

/** Counts of one spelling (or format, or all). */
export interface Counts {
  blocks: number;
  fused: number;
  /** Refusals by reason (a block counts once, under its first reason). */
  refused: Map<string, number>;
  /** Blocks this spelling declined or the converter skipped, by why. */
  skipped: Map<string, number>;
  mismatches: number;
  /** Largest |y - R| / bound seen in fused blocks, original and converted outputs. */
  worst: { original: number; converted: number };
}

/** What {@link fuzzBlocks} found. */
export interface FuzzSummary {
  readonly total: Counts;
  readonly byFormat: Map<string, Counts>;
  readonly bySpelling: Map<string, Counts>;
  readonly mismatches: CaseResult[];
}

/** Options of {@link fuzzBlocks}. */
export interface FuzzOptions {
  /** Block i has seed `seed + i`. */
  readonly seed: number;
  readonly blocks: number;
  readonly spellings: readonly Spelling[];
  /** Spelling names to run (every one of them that accepts each block) instead of one drawn per format. */
  readonly only?: readonly string[];
  /** Called after each case (progress, logs). */
  readonly onCase?: (r: CaseResult) => void;
}

const FORMAT_SALT: Record<Spelling["format"], number> = { onnx: 1, safetensors: 2, tfjs: 3 };

/** Zero counts. */
export function emptyCounts(): Counts {
  return {
    blocks: 0,
    fused: 0,
    refused: new Map(),
    skipped: new Map(),
    mismatches: 0,
    worst: { original: 0, converted: 0 },
  };
}

function count(c: Counts, { outcome: o, errors }: CaseResult): void {
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  if (o.kind === "skipped") return void bump(c.skipped, o.why);
  c.blocks++;
  if (o.kind === "fused") {
    c.fused++;
    c.worst.original = Math.max(c.worst.original, errors?.original ?? 0);
    c.worst.converted = Math.max(c.worst.converted, errors?.converted ?? 0);
  } else if (o.kind === "refused") bump(c.refused, o.reasons[0]!);
  else c.mismatches++;
}

/** The spellings a block runs in: with `only`, those named; else one per format, drawn from the seed among those that accept it. */
function choose(
  spellings: readonly Spelling[],
  seed: number,
  only: readonly string[] | undefined,
  accepts: (s: Spelling) => boolean,
): Spelling[] {
  if (only !== undefined) return spellings.filter((s) => only.includes(s.name));
  const chosen: Spelling[] = [];
  for (const format of ["onnx", "safetensors", "tfjs"] as const) {
    const ok = spellings.filter((s) => s.format === format && accepts(s));
    if (ok.length > 0) chosen.push(ok[new Rng(seed + FORMAT_SALT[format] * 2 ** 32).int(0, ok.length - 1)]!);
  }
  return chosen;
}

/**
 * The differential block fuzzer: `blocks` random blocks (seeds `seed`,
 * `seed + 1` ...), each run by {@link runCase} in one spelling per format
 * that can write it (or in the `only` ones), counted per spelling, per
 * format and in total. Deterministic: the same options give the same cases.
 */
export async function fuzzBlocks(opts: FuzzOptions): Promise<FuzzSummary> {
  const summary: FuzzSummary = { total: emptyCounts(), byFormat: new Map(), bySpelling: new Map(), mismatches: [] };
  const counts = (m: Map<string, Counts>, k: string) => m.get(k) ?? m.set(k, emptyCounts()).get(k)!;
  for (let i = 0; i < opts.blocks; i++) {
    const seed = opts.seed + i;
    const spec = generateBlock(seed);
    for (const spelling of choose(opts.spellings, seed, opts.only, (s) => s.accepts(spec) === true)) {
      const { outcome, errors } = await checkCase(spelling, spec);
      const result: CaseResult = {
        seed,
        family: spec.family,
        format: spelling.format,
        spelling: spelling.name,
        outcome,
        ...(errors === undefined ? {} : { errors }),
      };
      for (const c of [
        summary.total,
        counts(summary.byFormat, spelling.format),
        counts(summary.bySpelling, spelling.name),
      ])
        count(c, result);
      if (outcome.kind === "mismatch") summary.mismatches.push(result);
      opts.onCase?.(result);
    }
  }
  return summary;
}
