import { basename, dirname, resolve } from "node:path";
import { ReparamError, reparameterize, type ConversionReport, type ConvertOptions, type Progress } from "@reparam/core";
import { conversionWarnings, type ConversionWarning } from "./conversion-warnings.js";
import { withDecodeHint } from "./decode-hint.js";
import { openModelInput } from "./host/model-input.js";
import { stageOutput } from "./host/staged-output.js";
import { progressReporter } from "./progress.js";
import { defaultOutput, isShardIndex, modelPath, resolveModel } from "./resolve-model.js";

/** What `reparam convert` did, as printed by `--json` (documented in the CLI README). */
export interface ConvertResult {
  readonly command: "convert";
  /** The input file; a TF.js model's folder, or its `NAME.json` when it shares the folder with other models. */
  readonly input: string;
  readonly output: string;
  readonly format: string;
  readonly seconds: number;
  /** `input`: the files the model was read from (main file, shards, external data), not its folder; `output`: the files written (the same kinds). */
  readonly bytes: { readonly input: number; readonly output: number };
  readonly report: ConversionReport;
  /** Warnings, printed on stderr as `warning: ...` unless `--quiet` (errors under `--strict`): an `--exclude` pattern that matched no block, nothing to fuse. */
  readonly warnings: readonly string[];
}

/** Options of {@link convertModel}: the adapter options plus file handling. */
export interface ConvertModelOptions extends ConvertOptions {
  readonly output?: string;
  readonly format?: string;
  readonly force?: boolean;
  readonly progress?: boolean;
  /** Fail (nothing written) instead of warning: `--strict`. */
  readonly strict?: boolean;
}

/**
 * Converts a model file to file: resolves the format, opens the input,
 * stages the output beside its target, runs the adapter, and moves the
 * output into place only if everything succeeded (nothing is left otherwise).
 */
export async function convertModel(inputPath: string, opts: ConvertModelOptions): Promise<ConvertResult> {
  const t0 = performance.now();
  const model = await resolveModel(inputPath, opts.format);
  const target = resolve(opts.output ?? defaultOutput(model));
  const inputRoot = modelPath(model);
  // The folder that holds the model is input too (a model.json folder, or NAME.json beside others).
  if (target === inputRoot || target === model.file || (model.folder && target === dirname(model.file))) {
    throw new ReparamError("CLI_OUTPUT_IS_INPUT", "the output would overwrite the input", {
      where: target,
      hint: "choose another path with -o",
    });
  }
  // A sharded state dict's default output is a folder of its own (see defaultOutput).
  const asFolder = model.folder || (opts.output === undefined && isShardIndex(model));
  const opened = await openModelInput(model.file);
  let staged: Awaited<ReturnType<typeof stageOutput>>;
  try {
    staged = await stageOutput(target, { folder: asFolder, force: opts.force === true });
  } catch (e) {
    await opened.close();
    throw e;
  }
  const progress = progressReporter(opts.progress !== false);
  let report: ConversionReport;
  let warnings: ConversionWarning[];
  let inputBytes: number;
  let phase: Progress["phase"] = "read";
  try {
    const main = model.folder ? model.adapter.mainFile : asFolder ? basename(model.file) : undefined;
    const output = main !== undefined ? { ...staged.output, name: main } : staged.output;
    report = await reparameterize(model.adapter, opened.input, output, opts, (p) => {
      phase = p.phase;
      progress.update(p);
    });
    inputBytes = opened.bytes();
    await opened.close();
    warnings = conversionWarnings(report, opts.exclude);
    const [first] = warnings;
    if (opts.strict === true && first !== undefined) {
      throw new ReparamError(first.code, `${first.message} (--strict: nothing written)`, { hint: first.hint });
    }
    await staged.commit();
  } catch (e) {
    progress.done();
    await opened.close().catch(() => undefined);
    await staged.abort();
    throw phase === "read" ? withDecodeHint(e, model.adapter.format) : e;
  }
  progress.done();
  return {
    command: "convert",
    input: inputRoot,
    output: target,
    format: model.adapter.format,
    seconds: (performance.now() - t0) / 1000,
    bytes: { input: inputBytes, output: staged.bytesWritten() },
    report,
    warnings: warnings.map((w) => `${w.message}; ${w.hint}`),
  };
}
