import { ReparamError } from "@reparam/core";
import { checkManifest, isObject } from "./_check-manifest.js";
import type { TfjsModelJson } from "./model-json.js";

const FORMATS: readonly string[] = ["layers-model", "graph-model"];

/**
 * Checks a parsed `model.json` object: a `modelTopology` object, a known
 * `format` if any, a well-formed `weightsManifest` if any. Shared by the
 * decoder and the encoder so that neither accepts what the other refuses.
 */
export function checkModel(value: Record<string, unknown>, where: string): TfjsModelJson {
  if (!isObject(value.modelTopology)) {
    throw new ReparamError("TFJS_NO_TOPOLOGY", "model.json has no modelTopology", {
      where,
      expected: "a modelTopology object (Keras config or GraphDef)",
      found: "modelTopology" in value ? String(JSON.stringify(value.modelTopology)) : fieldList(value),
      hint: "a weights-only model.json cannot be converted; use the model.json saved with the model",
    });
  }
  const format = value.format;
  if (format !== undefined && (typeof format !== "string" || !FORMATS.includes(format))) {
    throw new ReparamError("TFJS_UNKNOWN_FORMAT", "model.json has an unknown format", {
      where: `${where} format`,
      expected: "layers-model or graph-model",
      found: JSON.stringify(format),
    });
  }
  if (value.weightsManifest !== undefined) checkManifest(value.weightsManifest);
  return value as TfjsModelJson;
}

function fieldList(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  return keys.length === 0 ? "no fields" : `only fields ${keys.slice(0, 8).join(", ")}`;
}
