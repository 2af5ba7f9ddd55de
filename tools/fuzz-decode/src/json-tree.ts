import { decodeUtf8, encodeUtf8 } from "@reparam/core";
import type { Draw } from "./draw.js";

/**
 * JSON as a tree that can say what `JSON.stringify` cannot: an object with
 * the same key twice, and number text that no double holds exactly.
 */
export type JsonTree =
  | { readonly kind: "object"; entries: Array<[string, JsonTree]> }
  | { readonly kind: "array"; items: JsonTree[] }
  | { readonly kind: "raw"; text: string };

/** The tree of a JSON value (as `JSON.parse` gives it). */
export function toTree(value: unknown): JsonTree {
  if (Array.isArray(value)) return { kind: "array", items: value.map(toTree) };
  if (value !== null && typeof value === "object")
    return { kind: "object", entries: Object.entries(value).map(([k, v]) => [k, toTree(v)]) };
  return { kind: "raw", text: JSON.stringify(value) };
}

/** The tree of JSON bytes, or undefined when they do not parse. */
export function parseTree(bytes: Uint8Array): JsonTree | undefined {
  try {
    return toTree(JSON.parse(decodeUtf8(bytes)));
  } catch {
    return undefined;
  }
}

/** JSON text of a tree, keys in their order, duplicates kept. */
export function treeText(t: JsonTree): string {
  if (t.kind === "raw") return t.text;
  if (t.kind === "array") return `[${t.items.map(treeText).join(",")}]`;
  return `{${t.entries.map(([k, v]) => `${JSON.stringify(k)}:${treeText(v)}`).join(",")}}`;
}

/** UTF-8 bytes of {@link treeText}. */
export function treeBytes(t: JsonTree): Uint8Array {
  return encodeUtf8(treeText(t));
}

/** A node of a tree with a way to replace or delete it in its parent. */
export interface TreeSlot {
  /** Keys and indices from the root. */
  readonly path: readonly (string | number)[];
  readonly node: JsonTree;
  replace(next: JsonTree): void;
  remove(): void;
  /** For an object member: adds the same key again, with `value`. */
  duplicate?(value: JsonTree): void;
}

/** Every node below the root, depth first. */
export function treeSlots(root: JsonTree, path: (string | number)[] = []): TreeSlot[] {
  const out: TreeSlot[] = [];
  if (root.kind === "object") {
    root.entries.forEach((entry, i) => {
      const p = [...path, entry[0]];
      out.push({
        path: p,
        node: entry[1],
        replace: (next) => void (entry[1] = next),
        remove: () => void root.entries.splice(root.entries.indexOf(entry), 1),
        duplicate: (value) => void root.entries.splice(i + 1, 0, [entry[0], value]),
      });
      out.push(...treeSlots(entry[1], p));
    });
  } else if (root.kind === "array") {
    root.items.forEach((item, i) => {
      const p = [...path, i];
      out.push({
        path: p,
        node: item,
        replace: (next) => void (root.items[root.items.indexOf(item)] = next),
        remove: () => void root.items.splice(root.items.indexOf(item), 1),
      });
      out.push(...treeSlots(item, p));
    });
  }
  return out;
}

/** Values of the wrong type or size: null, booleans, odd numbers (huge, negative, fractional, past 2^64), strings, containers. */
export const HOSTILE_VALUES: readonly string[] = [
  "null",
  "true",
  "0",
  "-1",
  "1.5",
  "-0",
  "1e308",
  "1e400",
  "9007199254740993",
  "18446744073709551615",
  "18446744073709551616",
  '""',
  '"x"',
  '"\\u0000"',
  "[]",
  "{}",
  "[[]]",
  '{"a":1}',
];

/** A raw JSON value. */
export const raw = (text: string): JsonTree => ({ kind: "raw", text });

/**
 * One generic mutation of a random node: delete it, duplicate its key with
 * another value, retype it (a hostile value), or, for a number, set it to a
 * hostile count. Returns what it did, for reports.
 */
export function mutateTree(root: JsonTree, d: Draw, filter?: (s: TreeSlot) => boolean): string {
  const slots = treeSlots(root).filter(filter ?? (() => true));
  if (slots.length === 0) return "no node";
  const s = d.pick(slots);
  const where = s.path.join(".");
  const op = d.below(4);
  if (op === 0) {
    s.remove();
    return `delete ${where}`;
  }
  if (op === 1 && s.duplicate !== undefined) {
    s.duplicate(d.chance(0.5) ? s.node : raw(d.pick(HOSTILE_VALUES)));
    return `duplicate ${where}`;
  }
  if (op === 2 && s.node.kind === "raw" && /^-?\d/.test(s.node.text)) {
    const n = Number(s.node.text);
    const v = d.pick(["0", "-1", `${n + 1}`, `${n - 1}`, `${n * 1000003}`, "4294967296", "9007199254740993", "1e20"]);
    s.replace(raw(v));
    return `number ${where} = ${v}`;
  }
  const v = d.pick(HOSTILE_VALUES);
  s.replace(raw(v));
  return `retype ${where} = ${v}`;
}
