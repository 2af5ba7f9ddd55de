import { ReparamError, encodeUtf8 } from "@reparam/core";
import { isObject } from "./_check-manifest.js";
import { checkModel } from "./_check-model.js";
import type { TfjsModelJson } from "./model-json.js";

/**
 * Writes a `model.json`: the model's fields in their order, all of them
 * (`signature`, `userDefinedMetadata`, `modelInitializer`, unknown ones)
 * verbatim, as compact UTF-8 JSON. To replace the weights keep the field in
 * place: `encodeModelJson({ ...model, weightsManifest: encoded.manifest })`.
 *
 * @param model - a model from {@link decodeModelJson}, possibly changed.
 * @throws ReparamError the codes {@link decodeModelJson} would refuse the
 *   result with (`TFJS_NO_TOPOLOGY`, `TFJS_UNKNOWN_FORMAT`,
 *   `TFJS_BAD_MANIFEST`, `TFJS_PATH_ESCAPE`, `TFJS_DUPLICATE_WEIGHT`), so
 *   that nothing is written that cannot be read back.
 */
export function encodeModelJson(model: TfjsModelJson): Uint8Array {
  checkModelJson(model);
  return encodeUtf8(JSON.stringify(model));
}

/**
 * Throws what {@link encodeModelJson} would throw for `model`, without
 * encoding it (a writer checks the model it will write before writing anything).
 */
export function checkModelJson(model: TfjsModelJson): void {
  if (!isObject(model)) {
    throw new ReparamError("TFJS_NO_TOPOLOGY", "model to write is not an object", {
      where: "encodeModelJson model",
      expected: "an object {modelTopology, ...}",
      found: typeof model,
    });
  }
  checkModel(model, "encodeModelJson model");
}
