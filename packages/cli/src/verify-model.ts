import {
  decideFor,
  memoryOutput,
  ReparamError,
  type ConvertOptions,
  type Decision,
  type DeployConv,
  type FormatAdapter,
} from "@reparam/core";
import {
  isRuntimeFamilyName,
  formatBlockCheckReport,
  storageStep,
  storageTolerances,
  formatValidationReport,
  validateConversion,
  verifyBlocks,
  type BlockCheckReport,
  type ValidateOptions,
  type ValidationReport,
} from "@reparam/validate";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { withDecodeHint } from "./decode-hint.js";
import { openModelInput, type OpenedInput } from "./host/model-input.js";
import { modelPath, resolveModel, type ResolvedModel } from "./resolve-model.js";

/** What `reparam verify --json` prints. */
export interface VerifyResult {
  readonly command: "verify";
  readonly format: string;
  readonly passed: boolean;
  /**
   * Each fused block on its own: its branches (as read from the original)
   * against the conv that stands for it in the converted model, within the
   * block's derived bound; names the block a wrong weight is in.
   */
  readonly blocks: BlockCheckReport;
  /** Formats with a runnable graph: the two whole models run side by side. */
  readonly report?: ValidationReport;
  /** Formats without one (state dicts): every file of the converted model equals a fresh conversion of the original. */
  readonly identical?: boolean;
}

/** The converted model's files equal what converting the original again gives, byte for byte (every shard). */
async function sameAsFresh(
  adapter: FormatAdapter<unknown>,
  decoded: unknown,
  decisions: readonly Decision[],
  converted: ResolvedModel,
  options: ConvertOptions,
): Promise<boolean> {
  const output = memoryOutput(basename(converted.file));
  await adapter.encode(decoded, decisions, output, options);
  for (const [rel, fresh] of output.files) {
    const actual = await readFile(join(dirname(converted.file), rel)).catch(() => undefined);
    if (actual === undefined || !Buffer.from(fresh.buffer, fresh.byteOffset, fresh.byteLength).equals(actual))
      return false;
  }
  return output.files.size > 0;
}

/** Both models of a verification decoded by their adapter, the original's decisions, and each block's conv in the converted model. */
export interface Verification {
  readonly model: ResolvedModel;
  readonly target: ResolvedModel;
  readonly original: unknown;
  readonly converted: unknown;
  readonly decisions: readonly Decision[];
  /** The adapter's `deployConv` for a decision of the original, when the format has one. */
  readonly deployConv?: (d: Decision & { kind: "fuse" }) => Promise<DeployConv | undefined>;
  close(): Promise<void>;
}

/** Resolves, opens and decodes both models with the original's adapter, and decides the original's blocks as `convertOptions` would. */
export async function openVerification(
  original: string,
  converted: string,
  convertOptions: ConvertOptions = {},
): Promise<Verification> {
  const model = await resolveModel(original);
  const target = await resolveModel(converted);
  const { adapter } = model;
  if (target.adapter.format !== adapter.format) {
    throw new ReparamError("CLI_FORMAT_MISMATCH", "the two models are of different formats", {
      where: converted,
      expected: adapter.format,
      found: target.adapter.format,
    });
  }
  const opened: OpenedInput[] = [];
  const close = async () => void (await Promise.all(opened.map((o) => o.close())));
  try {
    const open = async (m: ResolvedModel) => {
      const o = await openModelInput(m.file);
      opened.push(o);
      return adapter
        .decode(o.input, convertOptions)
        .catch((e: unknown) => Promise.reject(withDecodeHint(e, adapter.format)));
    };
    const [a, b] = [await open(model), await open(target)];
    const { candidates } = await adapter.findBlocks(a, convertOptions);
    const decisions = decideFor(adapter, a, candidates, convertOptions);
    const deploy = adapter.deployConv?.bind(adapter);
    return {
      model,
      target,
      original: a,
      converted: b,
      decisions,
      ...(deploy ? { deployConv: (d: Decision & { kind: "fuse" }) => deploy(a, b, d.candidate, d.plan) } : {}),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Verifies a conversion in any format: decodes both models with the
 * format's adapter, checks every fused block of the original against the
 * conv that stands for it in the converted model (`verifyBlocks` with the
 * adapter's `deployConv`), then runs both whole models side by side where the
 * format has a runtime, or (state dicts) checks the converted files against a
 * fresh conversion. `convertOptions` are the ones the conversion used.
 */
export async function verifyModel(
  original: string,
  converted: string,
  opts: ValidateOptions = {},
  convertOptions: ConvertOptions = {},
): Promise<VerifyResult> {
  const v = await openVerification(original, converted, convertOptions);
  try {
    const { model, target, decisions } = v;
    const format = model.adapter.format;
    // Each block's storage step (float16, a re-quantized grid), recorded as its conv is read: the whole-model rule's allowance.
    const steps: number[] = [];
    const deployConv =
      v.deployConv &&
      (async (d: Decision & { kind: "fuse" }) => {
        const conv = await v.deployConv!(d);
        if (conv !== undefined) steps.push(storageStep(conv));
        return conv;
      });
    const blocks = await verifyBlocks(decisions, {
      ...(opts.backend ? { backend: opts.backend } : {}),
      ...(opts.tolerances ? { tolerances: opts.tolerances } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(deployConv ? { deployConv } : {}),
    });
    if (!isRuntimeFamilyName(model.runtime)) {
      const identical = await sameAsFresh(model.adapter, v.original, decisions, target, convertOptions);
      return { command: "verify", format, passed: blocks.passed && identical, blocks, identical };
    }
    const report = await validateConversion(
      // A TF.js `NAME.json` shares its folder with other models: it goes by its file, not the folder.
      modelPath(model),
      modelPath(target),
      { ...opts, family: model.runtime, ...(userTolerances(opts) ? {} : { tolerances: storageTolerances(steps) }) },
    );
    return { command: "verify", format, passed: blocks.passed && report.passed, blocks, report };
  } finally {
    await v.close();
  }
}

/** True when the caller set a tolerance (`--atol`, `--rtol`, a scale): the whole-model rule is then theirs. */
function userTolerances(opts: ValidateOptions): boolean {
  return Object.values(opts.tolerances ?? {}).some((v) => v !== undefined);
}

/** Human text for a verify result: the blocks, then the whole models (or the file comparison), then the verdict. */
export function formatVerify(r: VerifyResult): string {
  const lines = [
    `blocks (each fused block's branches vs its conv in the converted model):`,
    formatBlockCheckReport(r.blocks),
    "",
  ];
  if (r.report !== undefined) lines.push(`whole model:`, formatValidationReport(r.report), "");
  if (r.identical !== undefined)
    lines.push(
      r.identical
        ? "converted files: identical to a fresh conversion of the original"
        : "converted files: DIFFER from a fresh conversion of the original",
      "",
    );
  lines.push(r.passed ? "PASSED" : "FAILED");
  return lines.join("\n");
}
