import type { ConversionReport } from "@reparam/core";
import type { BatchEntry } from "./convert-batch.js";
import type { ConvertResult } from "./convert-model.js";
import type { InspectResult } from "./inspect-model.js";
import type { VerifyResult } from "./verify-model.js";

/**
 * Version of every `--json` object (`schemaVersion`), described by
 * `schema/reparam-report.schema.json`: raised when a field changes meaning
 * or type or goes away; a new field does not raise it.
 */
export const SCHEMA_VERSION = 1;

/** A format fact in `--json`: a count or version is a number, a yes/no fact a boolean, anything else its text. */
export type DetailValue = string | number | boolean;

/**
 * The adapters' format facts (`describe`, text for people) with the types a
 * program wants: whole numbers (`opset`, `ir_version`, `tensors`, `shards`)
 * as numbers, `yes`/`no` as booleans, `files` ("1 file", "3 shards") as the
 * count, `weights` ("12 (2 quantized)") as `weights` and `quantizedWeights`;
 * other text as it is.
 */
export function jsonDetails(details: Readonly<Record<string, string>>): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {};
  for (const [k, v] of Object.entries(details)) {
    const files = k === "files" ? /^(\d+) (?:file|shard)s?$/.exec(v) : null;
    const weights = k === "weights" ? /^(\d+) \((\d+) quantized\)$/.exec(v) : null;
    if (files !== null) out[k] = Number(files[1]);
    else if (weights !== null) {
      out[k] = Number(weights[1]);
      out.quantizedWeights = Number(weights[2]);
    } else if (/^(?:0|[1-9]\d{0,14})$/.test(v)) out[k] = Number(v);
    else if (v === "yes" || v === "no") out[k] = v === "yes";
    else out[k] = v;
  }
  return out;
}

/** `3x3` -> [3, 3]. */
function pair(kxk: string): [number, number] {
  const [h, w] = kxk.split("x").map(Number);
  return [h ?? Number.NaN, w ?? Number.NaN];
}

/** One fused block in `--json`: as the report has it, with the kernel as a [height, width] pair like `stride`. */
function fusedJson(f: ConversionReport["fused"][number]) {
  return { ...f, kernel: pair(f.kernel) };
}

/** A conversion report in `--json`. */
export function reportJson(r: ConversionReport) {
  return { ...r, details: jsonDetails(r.details), fused: r.fused.map(fusedJson) };
}

/** One model's conversion as `convert --json` (and a batch's `models[]`) lists it, without `schemaVersion`. */
function convertFields<T extends { readonly report?: ConversionReport | undefined }>(r: T) {
  return r.report === undefined ? r : { ...r, report: reportJson(r.report) };
}

/** `reparam convert --json` for one model (with `--verify`, its result). */
export function convertJson(r: ConvertResult, verify?: VerifyResult) {
  return { schemaVersion: SCHEMA_VERSION, ...convertFields(r), ...(verify === undefined ? {} : { verify }) };
}

/** `reparam convert --json` for a batch. */
export function batchJson(entries: readonly BatchEntry[], seconds: number) {
  const ok = entries.filter((e) => e.status === "ok").length;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: "convert" as const,
    ok,
    failed: entries.length - ok,
    seconds,
    models: entries.map((e) => convertFields(e)),
  };
}

/** `reparam inspect --json`. */
export function inspectJson(r: InspectResult) {
  return { schemaVersion: SCHEMA_VERSION, ...r, details: jsonDetails(r.details) };
}

/** `reparam verify --json`. */
export function verifyJson(r: VerifyResult) {
  return { schemaVersion: SCHEMA_VERSION, ...r };
}
