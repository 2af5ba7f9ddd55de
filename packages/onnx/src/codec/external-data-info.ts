import { ReparamError } from "@reparam/core";
import type { TensorProto } from "onnx-buf";
import { tensorLabel } from "./_labels.js";
import { checkExternalLocation } from "./check-external-location.js";

/** A tensor's `external_data` entries, parsed and checked. */
export interface ExternalDataInfo {
  /** The side file, relative to the model's folder, normalised by {@link checkExternalLocation}. */
  readonly location: string;
  /** First byte of the data in the file (0 when absent). */
  readonly offset: number;
  /** Byte length of the data, or `undefined` for "to the end of the file". */
  readonly length: number | undefined;
  /** The SHA-1 digest entry, verbatim, if present (not verified here). */
  readonly checksum: string | undefined;
}

/**
 * Parses a tensor's `external_data` key/value entries: `location`
 * (required), `offset` and `length` (decimal integers as strings, >= 0),
 * `checksum`; `basepath` and unknown keys are ignored, as onnx does.
 * Throws `ONNX_EXTERNAL_BAD_ENTRY` for a missing location, a repeated key
 * or a malformed number, and `ONNX_EXTERNAL_PATH_ESCAPE` for a location that
 * could leave the model's folder.
 */
export function externalDataInfo(tensor: TensorProto): ExternalDataInfo {
  const where = tensorLabel(tensor);
  const entries = new Map<string, string>();
  for (const { key, value } of tensor.externalData) {
    if (entries.has(key)) {
      throw new ReparamError("ONNX_EXTERNAL_BAD_ENTRY", `external_data key '${key}' appears twice`, {
        where,
        expected: "each key once",
        found: `'${entries.get(key)}' and '${value}'`,
      });
    }
    entries.set(key, value);
  }
  const location = entries.get("location");
  if (location === undefined) {
    throw new ReparamError("ONNX_EXTERNAL_BAD_ENTRY", "external data has no location", {
      where,
      expected: "a 'location' entry",
      found: `keys [${[...entries.keys()].join(", ")}]`,
    });
  }
  return {
    location: checkExternalLocation(location, where),
    offset: parseCount(entries.get("offset"), "offset", where) ?? 0,
    length: parseCount(entries.get("length"), "length", where),
    checksum: entries.get("checksum"),
  };
}

function parseCount(text: string | undefined, key: string, where: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new ReparamError("ONNX_EXTERNAL_BAD_ENTRY", `external data ${key} is not a byte count`, {
      where,
      expected: `a decimal integer from 0 to ${Number.MAX_SAFE_INTEGER}`,
      found: JSON.stringify(text),
    });
  }
  return value;
}
