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
