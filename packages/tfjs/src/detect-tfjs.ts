import type { FormatFacts } from "@reparam/core";

const MARKERS = ['"modelTopology"', '"weightsManifest"', '"layers-model"', '"graph-model"'];

/**
 * True for a TF.js `model.json` (or another `.json` whose first bytes carry a
 * TF.js marker), never for a safetensors index. Imports nothing, so a host
 * can tell formats apart before it loads the adapter (`@reparam/tfjs/detect`).
 */
export function detectTfjs(name: string, head: Uint8Array): boolean {
  if (!/\.json$/i.test(name) || /\.index\.json$/i.test(name)) return false;
  const text = String.fromCharCode(...head)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart();
  return text.startsWith("{") && (name === "model.json" || MARKERS.some((m) => text.includes(m)));
}

/** What a host knows about TF.js before loading the adapter: a folder with `model.json` and its weight shards, run by TF.js. */
export const tfjsFormat: FormatFacts = {
  format: "tfjs",
  detect: detectTfjs,
  folder: true,
  mainFile: "model.json",
  suffixes: [],
  runtime: "tfjs",
  dtypes: ["float32", "float16", "uint8", "uint16"],
};
