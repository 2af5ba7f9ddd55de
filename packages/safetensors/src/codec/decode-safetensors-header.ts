import { ReparamError, decodeUtf8Strict } from "@reparam/core";
import { checkContiguous } from "./_check-contiguous.js";
import { type JsonNode, describeJson } from "./_json-node.js";
import { readTensorEntry } from "./_read-tensor-entry.js";
import { parseStrictJson } from "./_strict-json.js";
import type { TensorInfo } from "./tensor-info.js";

/** What a safetensors JSON header says, validated. */
export interface SafetensorsHeader {
  /**
   * `__metadata__` as a string-to-string map, in header key order (except
   * that JavaScript lists integer-like keys first); undefined when absent.
   */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /**
   * The tensors in data order (sorted by offsets). For files written by the
   * reference writer, and by {@link encodeSafetensors}, that is also header order.
   */
  readonly tensors: readonly TensorInfo[];
}

/** Options of {@link decodeSafetensorsHeader} and `decodeSafetensors`. */
export interface DecodeSafetensorsOptions {
  /** Name of the file in error messages (`where`); default `"safetensors"`. */
  readonly where?: string;
}

/**
 * Validates the JSON header of a safetensors file (the `N` bytes after the
 * 8-byte length), against the size of the data section that follows it.
 *
 * Strict: valid UTF-8; strict JSON (duplicate keys at any depth rejected);
 * an object whose `__metadata__`, if present, maps strings to strings, and
 * whose other keys are tensors of exactly `{dtype, shape, data_offsets}`;
 * byte lengths that match shape and dtype; offsets that, sorted, run
 * contiguously from 0 to exactly `dataSize`. Trailing whitespace (the
 * reference pads with spaces) is allowed.
 *
 * @param header - the header bytes, without the 8-byte length prefix.
 * @param dataSize - bytes in the file after the header.
 * @throws ReparamError with a `SAFETENSORS_*` code (see `SAFETENSORS_ERROR_CODES`).
 */
export function decodeSafetensorsHeader(
  header: Uint8Array,
  dataSize: number,
  options: DecodeSafetensorsOptions = {},
): SafetensorsHeader {
  const label = options.where ?? "safetensors";
  const text = decodeUtf8Strict(header);
  if (text === undefined) {
    throw new ReparamError("SAFETENSORS_HEADER_NOT_UTF8", "header is not valid UTF-8", {
      where: `${label} header`,
      expected: "UTF-8 JSON text",
      found: `invalid UTF-8 in ${header.byteLength} bytes`,
    });
  }
  const root = parseStrictJson(text, { where: `${label} header`, syntaxCode: "SAFETENSORS_HEADER_NOT_JSON" });
  if (root.kind !== "object") {
    throw new ReparamError("SAFETENSORS_HEADER_NOT_JSON", "header is not a JSON object", {
      where: `${label} header`,
      expected: "a JSON object",
      found: describeJson(root),
    });
  }
  let metadata: Record<string, string> | undefined;
  const tensors: TensorInfo[] = [];
  for (const [key, value] of root.entries) {
    if (key === "__metadata__") metadata = readMetadata(value, label);
    else tensors.push(readTensorEntry(key, value, label));
  }
  return { metadata, tensors: checkContiguous(tensors, dataSize, label) };
}

function readMetadata(node: JsonNode, label: string): Record<string, string> {
  if (node.kind !== "object") {
    throw new ReparamError("SAFETENSORS_BAD_METADATA", "__metadata__ is not an object", {
      where: `${label} __metadata__`,
      expected: "an object of string values",
      found: describeJson(node),
    });
  }
  const out: Record<string, string> = {};
  for (const [key, value] of node.entries) {
    if (value.kind !== "string") {
      throw new ReparamError("SAFETENSORS_BAD_METADATA", "__metadata__ has a value that is not a string", {
        where: `${label} __metadata__ ${JSON.stringify(key)}`,
        expected: "a string",
        found: describeJson(value),
      });
    }
    // defineProperty: a key such as "__proto__" becomes an own property, not a prototype.
    Object.defineProperty(out, key, { value: value.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
