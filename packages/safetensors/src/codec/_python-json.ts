import { ReparamError, compareCodePoints } from "@reparam/core";
import type { JsonValue } from "./json-value.js";

/**
 * Formats a JSON value as Python's `json.dumps(value, indent=2,
 * sort_keys=True)` does (the way transformers writes
 * `*.safetensors.index.json`): two-space indent, one item per line ending in
 * `,`, `": "` between key and value, keys sorted by code point, non-ASCII escaped as
 * lowercase `\uXXXX` (ensure_ascii). Integral numbers are written as
 * integers, others like Python's float repr.
 */
export function pythonJsonDumps(value: JsonValue): string {
  return dump(value, "");
}

function dump(value: JsonValue, indent: string): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return pythonString(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) return "[]";
    return `[\n${items.map((v) => inner + dump(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).sort(compareCodePoints);
  if (keys.length === 0) return "{}";
  const record = value as { readonly [key: string]: JsonValue };
  const lines = keys.map((k) => `${inner}${pythonString(k)}: ${dump(record[k] as JsonValue, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new ReparamError("SAFETENSORS_BAD_INDEX", "index metadata has a number JSON cannot hold", {
      where: "metadata",
      expected: "a finite number",
      found: String(n),
    });
  }
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Python's repr uses exponent notation below 1e-4 (non-integers are < 2^53,
  // so the large side never arises), with at least two exponent digits.
  const [mantissa, exponent] = n.toExponential().split("e") as [string, string];
  const e = Number(exponent);
  if (e < -4) return `${mantissa}e-${String(-e).padStart(2, "0")}`;
  return String(n);
}

function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT.get(c);
    if (short !== undefined) out += short;
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return `${out}"`;
}

const SHORT = new Map<number, string>([
  [0x22, '\\"'],
  [0x5c, "\\\\"],
  [0x08, "\\b"],
  [0x0c, "\\f"],
  [0x0a, "\\n"],
  [0x0d, "\\r"],
  [0x09, "\\t"],
]);
