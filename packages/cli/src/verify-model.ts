import { decide, memoryOutput, type ConvertOptions } from "@reparam/core";
import { formatBlockCheckReport, formatValidationReport, validateConversion, verifyBlocks, type BlockCheckReport, type ValidateOptions, type ValidationReport } from "@reparam/validate";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { openModelInput } from "./host/model-input.js";
import { resolveModel } from "./resolve-model.js";

/** What `reparam verify --json` prints. */
export type VerifyResult =
  | { readonly command: "verify"; readonly format: "onnx" | "tfjs"; readonly passed: boolean; readonly report: ValidationReport }
  | {
      readonly command: "verify";
      readonly format: "safetensors";
      readonly passed: boolean;
      /** Each fused block of the original run on onnxruntime: branches vs fused conv. */
      readonly blocks: BlockCheckReport;
      /** The converted file equals a fresh conversion of the original, byte for byte. */
      readonly identical: boolean;
    };

/**
 * State dicts have no runnable graph: prove each block's fusion on a runtime
 * (branches vs fused conv, {@link verifyBlocks}) and check that the converted
 * file is exactly what converting the original gives.
 */
async function verifyStateDict(original: string, converted: string, opts: ValidateOptions, convertOptions: ConvertOptions): Promise<VerifyResult> {
  const model = await resolveModel(original, "safetensors");
  const opened = await openModelInput(model.file);
  try {
    const decoded = await model.adapter.decode(opened.input, convertOptions);
    const { candidates } = await model.adapter.findBlocks(decoded, convertOptions);
    const decisions = decide(candidates, convertOptions);
    const blocks = await verifyBlocks(decisions, { ...(opts.backend ? { backend: opts.backend } : {}), ...(opts.tolerances ? { tolerances: opts.tolerances } : {}) });
    // The same decisions, encoded again in memory: the converted file must be exactly this.
    const name = basename(converted);
    const output = memoryOutput(name);
    await model.adapter.encode(decoded, decisions, output, convertOptions);
    const fresh = output.files.get(name) ?? new Uint8Array();
    const actual = await readFile(converted);
    const identical = Buffer.from(fresh.buffer, fresh.byteOffset, fresh.byteLength).equals(actual);
    return { command: "verify", format: "safetensors", passed: blocks.passed && identical, blocks, identical };
  } finally {
    await opened.close();
  }
}

/**
 * Verifies a conversion: runs both models (ONNX, TF.js) or checks a state
 * dict block by block. `convertOptions` are the ones the conversion used
 * (state dicts are re-converted with them and compared byte for byte).
 */
export async function verifyModel(original: string, converted: string, opts: ValidateOptions = {}, convertOptions: ConvertOptions = {}): Promise<VerifyResult> {
  const model = await resolveModel(original);
  if (model.adapter.format === "safetensors") return verifyStateDict(original, converted, opts, convertOptions);
  const report = await validateConversion(model.folder ? original : model.file, converted, opts);
  return { command: "verify", format: report.format, passed: report.passed, report };
}

/** Human text for a verify result. */
export function formatVerify(r: VerifyResult): string {
  if (r.format !== "safetensors") return formatValidationReport(r.report);
  return [
    formatBlockCheckReport(r.blocks),
    r.identical ? "converted file: identical to a fresh conversion of the original" : "converted file: DIFFERS from a fresh conversion of the original",
    r.passed ? "PASSED" : "FAILED",
  ].join("\n");
}

