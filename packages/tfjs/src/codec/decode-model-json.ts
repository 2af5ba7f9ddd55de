import { ReparamError, decodeUtf8 } from "@reparam/core";
import { isObject } from "./_check-manifest.js";
import { checkModel } from "./_check-model.js";
import type { TfjsModelJson } from "./model-json.js";

/**
 * Parses the bytes of a TF.js `model.json`. Strict: the bytes must be UTF-8
 * JSON (a leading BOM is allowed) holding an object with a `modelTopology`
 * object; `format`, when present, must be `layers-model` or `graph-model`;
 * `weightsManifest`, when present, must be well formed, its weight names
 * unique and every shard path confined to the model's folder (see
 * {@link checkWeightPath}). Weight dtypes are checked when the weights are
 * read ({@link decodeWeights}), so that the topology of a model with an
 * unsupported weight can still be inspected.
 *
 * Every field is kept, in order, including unknown ones; duplicate JSON keys
 * resolve as in TF.js (`JSON.parse`: the last wins).
 *
 * @param bytes - the file's contents.
 * @returns the parsed model; {@link encodeModelJson} writes it back.
 * @throws ReparamError `TFJS_BAD_JSON` (not UTF-8, not JSON, not an object),
 *   `TFJS_NO_TOPOLOGY`, `TFJS_UNKNOWN_FORMAT`, `TFJS_BAD_MANIFEST`,
 *   `TFJS_DUPLICATE_WEIGHT`, `TFJS_PATH_ESCAPE`.
 */
export function decodeModelJson(bytes: Uint8Array): TfjsModelJson {
  const value = parseJson(bytes);
  if (!isObject(value)) {
    throw new ReparamError("TFJS_BAD_JSON", "model.json does not hold a JSON object", {
      where: "model.json",
      expected: "an object {modelTopology, weightsManifest, ...}",
      found: value === null ? "null" : Array.isArray(value) ? "an array" : typeof value,
    });
  }
  return checkModel(value, "model.json");
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (cause) {
    throw new ReparamError("TFJS_BAD_JSON", "model.json is not valid UTF-8", {
      where: "model.json",
      expected: "UTF-8 JSON",
      found: `${bytes.byteLength} bytes that are not UTF-8`,
      cause,
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const head = JSON.stringify(text.slice(0, 40)) + (text.length > 40 ? "..." : "");
    throw new ReparamError("TFJS_BAD_JSON", "model.json is not JSON", {
      where: "model.json",
      expected: "a JSON object",
      found: `${head} (${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    });
  }
}
