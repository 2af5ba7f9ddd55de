import { decideFor, type Decision, type FormatAdapter } from "@reparam/core";
import { formatBlockCheckReport, formatValidationReport, type BlockCheckReport } from "@reparam/validate/browser";
import { checkBlocks } from "./check-blocks.js";
import { compareModels } from "./compare-models.js";
import { baseName, fileSetInput, type NamedBlob } from "./file-set-input.js";
import { BLOCK_RUNTIME, pageRuntimes } from "./page-runtimes.js";
import type { PageModel } from "./page-model.js";

/** Whole models larger than this (original and converted together) are not run: the block checks still are. */
export const WHOLE_MODEL_LIMIT = 512 * 1024 * 1024;

/** What the page's verification found: the report text (as `reparam verify` prints it) and the verdict. */
export interface PageVerification {
  readonly text: string;
  readonly passed: boolean;
  /** The runtimes and backends that ran, e.g. `blocks: onnxruntime-web wasm; whole model: tfjs webgl`. */
  readonly backends: string;
}

function sizeOf(m: PageModel): number {
  return m.main.blob.size + m.files.reduce((n, f) => n + f.blob.size, 0);
}

/** Each fused block of the original against the conv that stands for it in the converted files. */
async function blockReport(
  adapter: FormatAdapter<unknown>,
  original: PageModel,
  converted: PageModel,
  onBlock: (done: number, total: number) => void,
): Promise<BlockCheckReport> {
  const a = await adapter.decode(fileSetInput(original.main, original.files), {});
  const b = await adapter.decode(fileSetInput(converted.main, converted.files), {});
  const decisions: Decision[] = decideFor(adapter, a, (await adapter.findBlocks(a, {})).candidates, {});
  const deploy = adapter.deployConv?.bind(adapter);
  const deployConv =
    deploy === undefined ? undefined : (d: Decision & { kind: "fuse" }) => deploy(a, b, d.candidate, d.plan);
  return checkBlocks(decisions, pageRuntimes[BLOCK_RUNTIME] ?? [], deployConv, onBlock);
}

/**
 * Verifies a conversion in the browser the way `reparam verify` does: each
 * fused block on its own (onnxruntime-web), then, for formats with a
 * runtime, both whole models side by side on the browser's fastest backend
 * that runs them (WebGPU, else WebGL / wasm / cpu). The original's files
 * and the converted ones are read from their `Blob`s.
 */
export async function verifyConversion(
  adapter: FormatAdapter<unknown>,
  original: PageModel,
  converted: PageModel,
  onBlock: (done: number, total: number) => void,
): Promise<PageVerification> {
  const blocks = await blockReport(adapter, original, converted, onBlock);
  const lines = [
    "blocks (each fused block's branches vs its conv in the converted model):",
    formatBlockCheckReport(blocks),
    "",
  ];
  const ran = [...new Set(blocks.blocks.flatMap((b) => (b.backend === undefined ? [] : [b.backend])))];
  const backends = [`blocks: onnxruntime-web ${ran.join(", ") || "none"}`];
  let passed = blocks.passed;
  const runtimes = adapter.runtime === undefined ? undefined : pageRuntimes[adapter.runtime];
  const size = sizeOf(original) + sizeOf(converted);
  if (runtimes === undefined)
    lines.push(`whole model: not run (${adapter.format} holds weights only; no runtime runs it)`, "");
  else if (size > WHOLE_MODEL_LIMIT)
    lines.push(
      `whole model: not run (${Math.round(size / 2 ** 20)} MiB for both models, over the page's ${WHOLE_MODEL_LIMIT / 2 ** 20} MiB)`,
      "",
    );
  else {
    const report = await compareModels(adapter.runtime!, runtimes, original, converted);
    lines.push("whole model:", formatValidationReport(report), "");
    backends.push(`whole model: ${report.runtime} ${report.backend}`);
    passed &&= report.passed;
  }
  lines.push(passed ? "PASSED" : "FAILED");
  return { text: lines.join("\n"), passed, backends: backends.join("; ") };
}

/** A model's files as a {@link PageModel}: `main` and the others, labelled for reports. */
export function pageModel(label: string, main: NamedBlob, files: readonly NamedBlob[]): PageModel {
  return { label: `${label} ${baseName(main.path)}`, main, files };
}
