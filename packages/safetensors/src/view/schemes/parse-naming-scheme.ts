import { ReparamError, decodeUtf8Strict } from "@reparam/core";
import { parseStrictJson } from "../../codec/_strict-json.js";
import { checkNamingScheme } from "./check-naming-scheme.js";
import type { NamingScheme } from "./naming-scheme.js";

/**
 * Reads a custom naming scheme from JSON (the package README documents the
 * format; it is {@link NamingScheme} as JSON). Strict: a key repeated in one
 * object is an error, not "last one wins".
 *
 * @param json - JSON text, or its UTF-8 bytes.
 * @param where - the file name, for error messages.
 * @throws ReparamError `SAFETENSORS_BAD_SCHEME`, `SAFETENSORS_DUPLICATE_KEY`.
 */
export function parseNamingScheme(json: string | Uint8Array, where = "scheme"): NamingScheme {
  const text = typeof json === "string" ? json : decodeUtf8Strict(json);
  if (text === undefined) {
    throw new ReparamError("SAFETENSORS_BAD_SCHEME", "naming scheme is not UTF-8", {
      where,
      expected: "UTF-8 JSON text",
      found: "invalid UTF-8",
    });
  }
  parseStrictJson(text, { where, syntaxCode: "SAFETENSORS_BAD_SCHEME" }); // duplicates and syntax, with positions
  return checkNamingScheme(JSON.parse(text) as unknown, where);
}
