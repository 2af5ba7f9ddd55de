import type { JsonValue } from "./json-value.js";

/**
 * A parsed JSON value that keeps what `JSON.parse` loses: the order of object
 * keys (as entries, never merged), the exact text of numbers, and where each
 * value starts (a character index in the JSON text, for error messages).
 */
export type JsonNode =
  | { readonly kind: "object"; readonly at: number; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly kind: "array"; readonly at: number; readonly items: readonly JsonNode[] }
  | { readonly kind: "string"; readonly at: number; readonly value: string }
  | { readonly kind: "number"; readonly at: number; readonly text: string }
  | { readonly kind: "boolean"; readonly at: number; readonly value: boolean }
  | { readonly kind: "null"; readonly at: number };

/** Short description of a node for "found ..." in error messages. */
export function describeJson(node: JsonNode): string {
  switch (node.kind) {
    case "object":
      return `an object with keys [${node.entries.map(([k]) => JSON.stringify(k)).join(", ")}]`;
    case "array":
      return `an array of ${node.items.length}`;
    case "string":
      return `the string ${JSON.stringify(node.value)}`;
    case "number":
      return `the number ${node.text}`;
    case "boolean":
      return String(node.value);
    case "null":
      return "null";
  }
}

const plainInteger = /^(0|[1-9][0-9]*)$/;

/**
 * The value of a JSON number written as a plain non-negative integer (no
 * sign, fraction or exponent) that is at most 2^53 - 1; undefined otherwise.
 */
export function safeIntegerOf(node: JsonNode): number | undefined {
  if (node.kind !== "number" || !plainInteger.test(node.text)) return undefined;
  const n = Number(node.text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The node as a plain JSON value (object keys in order; `__proto__` stays an own key). */
export function jsonValueOf(node: JsonNode): JsonValue {
  switch (node.kind) {
    case "object": {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of node.entries) {
        // defineProperty: "__proto__" stays an own key.
        Object.defineProperty(out, k, { value: jsonValueOf(v), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "array":
      return node.items.map(jsonValueOf);
    case "number":
      return Number(node.text);
    case "null":
      return null;
    default:
      return node.value;
  }
}
