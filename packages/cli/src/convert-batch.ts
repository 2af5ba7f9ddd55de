import { stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { isReparamError, ReparamError } from "@reparam/core";
import { convertModel, type ConvertModelOptions, type ConvertResult } from "./convert-model.js";
import type { ExpandedInput } from "./expand-inputs.js";
import { defaultOutput, modelPath, resolveModel } from "./resolve-model.js";
import { runPool } from "./run-pool.js";
import type { VerifyResult } from "./verify-model.js";

/** Why a model of a batch failed: its `ReparamError`'s code, message and hint (`BUG` for anything else). */
export interface BatchError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/**
 * One model of a batch, as `convert --json` lists it under `models`:
 * `ok` (or `mismatch`: converted, but `--verify` failed) with the
 * single-model result's fields, or `error` with the error and whatever was
 * known (the input always; a conversion that succeeded before `--verify`
 * threw keeps its result fields).
 */
export type BatchEntry =
  | (ConvertResult & { readonly status: "ok" | "mismatch"; readonly verify?: VerifyResult })
  | (Partial<ConvertResult> & {
      readonly status: "error";
      readonly input: string;
      readonly seconds: number;
      readonly error: BatchError;
      /** True when the error is not a ReparamError (a bug: its stack is printed). */
      readonly bug?: true;
    });

/** Options of {@link convertBatch}: one model's options (`output` is a folder here; `progress` is ignored), `jobs` and `verify`. */
export interface BatchOptions extends ConvertModelOptions {
  readonly jobs: number;
  readonly verify: boolean;
}

/** A model to convert: its path, what it reads (the file, or a TF.js folder; `NAME.json` beside other models is its file), its format and where its output goes. */
interface Planned {
  readonly path: string;
  readonly root: string;
  readonly format: string;
  readonly target: string;
}

/**
 * Checks `-o` for a batch: it must name an existing folder (the outputs go
 * into it under their default names). Throws `CLI_BAD_OPTION` otherwise.
 */
export async function checkBatchOutput(output: string): Promise<void> {
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory() === true) return;
  throw new ReparamError(
    "CLI_BAD_OPTION",
    "for a batch (several inputs, or a pattern), -o must name an existing folder",
    {
      where: resolve(output),
      found: info === undefined ? "nothing there" : "a file",
      hint: "create the folder first (each output keeps its default name in it), or convert one model at a time to name its output",
    },
  );
}

const failed = (input: string, e: unknown, seconds = 0): BatchEntry => ({
  status: "error",
  input,
  seconds,
  error: isReparamError(e)
    ? { code: e.code, message: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}) }
    : { code: "BUG", message: e instanceof Error ? e.message : String(e) },
  ...(isReparamError(e) ? {} : { bug: true as const }),
});

/**
 * Plans a batch: every path of every input, each resolved to its format and
 * output (its default output, or the same name inside the `-o` folder).
 * Fails up front, per model: a pattern that matched nothing
 * (`CLI_NO_MATCH`), an input that cannot be resolved, an output that an
 * earlier model of the batch already writes or that is another model of the
 * batch (`CLI_OUTPUT_CLASH`). The same model given twice is converted once.
 */
async function plan(inputs: readonly ExpandedInput[], opts: BatchOptions): Promise<Array<Planned | Finished>> {
  const items: Array<Planned | Finished> = [];
  const seen = new Set<string>();
  const targets = new Map<string, string>();
  for (const { arg, pattern, paths } of inputs) {
    if (pattern && paths.length === 0) {
      const e = new ReparamError("CLI_NO_MATCH", "no file or folder matches the pattern", {
        where: arg,
        hint: "`*` matches within one path segment; check the folder and the extension",
      });
      items.push([failed(arg, e), e]);
      continue;
    }
    for (const path of paths) {
      try {
        const model = await resolveModel(path, opts.format);
        if (seen.has(model.file)) continue;
        seen.add(model.file);
        const own = defaultOutput(model);
        const target = opts.output === undefined ? own : resolve(join(opts.output, basename(own)));
        const other = targets.get(target);
        if (other !== undefined) {
          throw new ReparamError("CLI_OUTPUT_CLASH", "another model of the batch writes the same output", {
            where: target,
            found: `also the output of ${other}`,
            hint: "convert them into different folders (-o) or one at a time",
          });
        }
        targets.set(target, path);
        items.push({
          path,
          root: modelPath(model),
          format: model.adapter.format,
          target,
        });
      } catch (e) {
        items.push([failed(resolve(path), e), e]);
      }
    }
  }
  // Writing over a model that the batch reads (`a.onnx a.deploy.onnx`) would change an input under its reader.
  const roots = new Set(items.flatMap((i) => ("root" in i ? [i.root] : [])));
  return items.map((i) => {
    if (!("root" in i) || !roots.has(i.target)) return i;
    const e = new ReparamError("CLI_OUTPUT_CLASH", "the output would overwrite another model of the batch", {
      where: i.target,
      hint: "convert into another folder with -o, or leave that model out of the batch",
    });
    return [{ format: i.format, ...failed(resolve(i.path), e) }, e];
  });
}

/** A finished model and, for an error, what was thrown (a bug's stack is worth printing). */
type Finished = readonly [BatchEntry, unknown?];

/**
 * Converts a batch of models in one process, at most `jobs` at a time, each
 * as `convertModel` does (a failing model leaves nothing behind; the others
 * are still written) and, with `verify`, verified right after. Calls
 * `onDone` as each model finishes (with the thrown value for a failed one);
 * resolves with one entry per model in input order, whatever the order they
 * finished in.
 */
export async function convertBatch(
  inputs: readonly ExpandedInput[],
  opts: BatchOptions,
  onDone: (entry: BatchEntry, thrown?: unknown) => void = () => undefined,
): Promise<BatchEntry[]> {
  const items = await plan(inputs, opts);
  for (const item of items) if (!("root" in item)) onDone(...item);
  const { jobs, verify, ...convertOpts } = opts;
  return runPool(items, jobs, async (item) => {
    if (!("root" in item)) return item[0];
    const t0 = performance.now();
    const [entry, thrown] = await convertOne(
      item,
      { ...convertOpts, output: item.target, progress: false },
      verify,
    ).catch(
      (e: unknown): Finished => [
        { format: item.format, ...failed(resolve(item.path), e, (performance.now() - t0) / 1000) },
        e,
      ],
    );
    onDone(entry, thrown);
    return entry;
  });
}

async function convertOne(item: Planned, opts: ConvertModelOptions, verify: boolean): Promise<Finished> {
  const result = await convertModel(item.path, opts);
  if (!verify) return [{ status: "ok", ...result }];
  // Loaded on demand: the runtimes are heavy and only verification needs them.
  const { verifyModel } = await import("./verify-model.js");
  try {
    const v = await verifyModel(result.input, result.output, {}, opts);
    return [{ status: v.passed ? "ok" : "mismatch", ...result, verify: v }];
  } catch (e) {
    return [{ ...result, ...failed(result.input, e, result.seconds) }, e];
  }
}
