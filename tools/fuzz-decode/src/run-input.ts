import { decideFor, isReparamError, memoryOutput, relativePathProblem, type FormatAdapter } from "@reparam/core";
import { checkFused } from "./check-fused.js";
import { fuzzInput } from "./fuzz-input.js";
import type { ModelFiles } from "./model-files.js";

/** Longest an input may take, decode to re-decoded output. */
export const HANG_MS = 2000;

/** Memory an input may keep beyond 4x its size while its model is decoded. */
const MEMORY_MARGIN = 64 * 1024 * 1024;

/** How one input ended. `crash` is anything but a ReparamError, or a broken promise of the contract. */
export type Outcome =
  | { readonly kind: "accepted"; readonly ms: number }
  | { readonly kind: "rejected"; readonly code: string; readonly ms: number }
  | { readonly kind: "crash"; readonly stage: string; readonly error: string; readonly ms: number }
  | { readonly kind: "hang"; readonly stage: string; readonly ms: number };

type Stage = "decode" | "findBlocks" | "decide" | "encode" | "redecode" | "verify";

function bytesOf(model: ModelFiles): number {
  let n = 0;
  for (const b of model.files.values()) n += b.byteLength;
  return n;
}

/**
 * Runs one model through an adapter's public API as the CLI would: decode,
 * findBlocks, decide (with the adapter's `canWrite`), encode into memory,
 * decode what was written (which must succeed: the writer wrote it) and
 * check its fused blocks ({@link checkFused}). Ends in `accepted`, `rejected`
 * (a ReparamError with a code, at any stage before the re-decode) or
 * `crash`: another exception, a path the adapter opened or created without
 * checking it, a re-decode or check that fails, or more memory kept after decode than
 * 4x the input plus a margin. `hang` when it takes over {@link HANG_MS}.
 */
export async function runInput<M>(adapter: FormatAdapter<M>, model: ModelFiles): Promise<Outcome> {
  const started = performance.now();
  let stage = "decode" as Stage;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"hang">((r) => {
    timer = setTimeout(() => r("hang"), HANG_MS);
  });
  const input = fuzzInput(model);
  const work = async (): Promise<string | undefined> => {
    const before = process.memoryUsage().arrayBuffers;
    const decoded = await adapter.decode(input, {});
    const kept = process.memoryUsage().arrayBuffers - before;
    if (kept > 4 * bytesOf(model) + MEMORY_MARGIN) return `decode kept ${kept} bytes of array buffers`;
    stage = "findBlocks";
    const { candidates } = await adapter.findBlocks(decoded, {});
    stage = "decide";
    const decisions = decideFor(adapter, decoded, candidates, {});
    stage = "encode";
    const output = memoryOutput(model.name);
    await adapter.encode(decoded, decisions, output, {});
    const bad = output.created.find((p) => relativePathProblem(p) !== undefined);
    if (bad !== undefined) return `encode created '${bad}'`;
    stage = "redecode";
    const files = new Map(output.files);
    const converted = await adapter.decode(fuzzInput({ ...model, files }), {});
    stage = "verify";
    return checkFused(adapter, decoded, converted, decisions);
  };
  try {
    const r = await Promise.race([work(), deadline]);
    const ms = performance.now() - started;
    if (r === "hang") return { kind: "hang", stage, ms };
    if (input.unchecked.length > 0)
      return { kind: "crash", stage, error: `opened unchecked path '${input.unchecked[0]}'`, ms };
    if (r !== undefined) return { kind: "crash", stage, error: r, ms };
    return ms > HANG_MS ? { kind: "hang", stage, ms } : { kind: "accepted", ms };
  } catch (e) {
    const ms = performance.now() - started;
    if (input.unchecked.length > 0)
      return { kind: "crash", stage, error: `opened unchecked path '${input.unchecked[0]}'`, ms };
    if (ms > HANG_MS) return { kind: "hang", stage, ms };
    if (isReparamError(e) && stage !== "redecode" && stage !== "verify") return { kind: "rejected", code: e.code, ms };
    const error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
    return { kind: "crash", stage, error, ms };
  } finally {
    clearTimeout(timer);
  }
}
