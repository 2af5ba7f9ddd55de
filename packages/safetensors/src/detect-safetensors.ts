import type { FormatFacts } from "@reparam/core";
import { BUILTIN_SCHEMES } from "./view/schemes/builtin-schemes.js";

/** Largest header the reference reader accepts (bytes). */
export const MAX_HEADER_SIZE = 100_000_000;

/** True when `name` is a sharded checkpoint's index. */
export function isIndexName(name: string): boolean {
  return name.endsWith(".safetensors.index.json");
}

function looksLikeSafetensors(head: Uint8Array): boolean {
  if (head.byteLength < 9) return false;
  const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(MAX_HEADER_SIZE) && head[8] === 0x7b; // "{"
}

/**
 * True for a `.safetensors` file, a `*.safetensors.index.json`, or bytes that
 * start like one (a u64 header size in range, then `{`). This entry imports
 * only the schemes' data, so a host can tell formats apart before it loads
 * the adapter (`@reparam/safetensors/detect`).
 */
export function detectSafetensors(name: string, head: Uint8Array): boolean {
  return name.endsWith(".safetensors") || isIndexName(name) || looksLikeSafetensors(head);
}

/** What a host knows about safetensors before loading the adapter: a state dict (one file, or an index and its shards), no runtime. */
export const safetensorsFormat: FormatFacts = {
  format: "safetensors",
  detect: detectSafetensors,
  folder: false,
  suffixes: [".safetensors.index.json"],
  dtypes: ["F32", "F16", "BF16", "F64"],
};

/**
 * The built-in naming schemes, each with the family it reports per block, in
 * detection tie-break order: for a host's help text (`reparam inspect --help`)
 * without loading the adapter.
 */
export const schemeFamilies: readonly { readonly scheme: string; readonly family: string }[] = BUILTIN_SCHEMES.map(
  (s) => ({ scheme: s.name, family: s.family }),
);
