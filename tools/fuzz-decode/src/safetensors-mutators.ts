import { decodeUtf8, encodeUtf8 } from "@reparam/core";
import { type Draw, HOSTILE_PATHS, hostileCount } from "./draw.js";
import { type JsonTree, mutateTree, parseTree, raw, treeBytes, treeText } from "./json-tree.js";
import { type ModelFiles, withFile } from "./model-files.js";
import type { Mutator } from "./mutator.js";
import { concat } from "./protobuf-scan.js";

const DTYPES = [
  "F32",
  "F16",
  "BF16",
  "F64",
  "I64",
  "I32",
  "I16",
  "I8",
  "U8",
  "BOOL",
  "F8_E4M3",
  "F8_E5M2",
  "U64",
  "f32",
  "F4",
  "",
  "float32",
];

function safetensorsFiles(model: ModelFiles): string[] {
  return [...model.files.keys()].filter((p) => p.endsWith(".safetensors")).sort();
}

/** The header of a safetensors file as a tree, and its data section. */
function split(bytes: Uint8Array): { tree: JsonTree; data: Uint8Array } | undefined {
  if (bytes.length < 8) return undefined;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) return undefined;
  const tree = parseTree(bytes.subarray(8, 8 + n));
  return tree === undefined ? undefined : { tree, data: bytes.subarray(8 + n) };
}

/** A safetensors file from a header text (padded with spaces to a multiple of 8, as the reference writer does) and data. */
function join(header: string, data: Uint8Array, sizeOverride?: bigint): Uint8Array {
  const text = encodeUtf8(header.padEnd(header.length + ((8 - (encodeUtf8(header).length % 8)) % 8), " "));
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt.asUintN(64, sizeOverride ?? BigInt(text.length)), true);
  return concat(size, text, data);
}

function onFile(name: string, edit: (bytes: Uint8Array, d: Draw) => [Uint8Array, string] | undefined): Mutator {
  return {
    name,
    apply(model, d) {
      const files = safetensorsFiles(model);
      const path = files.length === 0 ? undefined : d.pick(files);
      const bytes = path === undefined ? undefined : model.files.get(path);
      const r = bytes === undefined ? undefined : edit(bytes, d);
      return r === undefined ? undefined : { model: withFile(model, path!, r[0]), note: `${path}: ${r[1]}` };
    },
  };
}

/** A tensor's entry in a header tree: the member named `key` of a random tensor. */
function tensorMember(tree: JsonTree, d: Draw, key: string): { set(v: JsonTree): void; name: string } | undefined {
  if (tree.kind !== "object") return undefined;
  const entries = tree.entries.filter(([k, v]) => k !== "__metadata__" && v.kind === "object");
  if (entries.length === 0) return undefined;
  const [name, info] = d.pick(entries);
  if (info.kind !== "object") return undefined;
  return {
    name,
    set(v) {
      const e = info.entries.find(([k]) => k === key);
      if (e === undefined) info.entries.push([key, v]);
      else e[1] = v;
    },
  };
}

function offsetsOf(tree: JsonTree): Array<[number, number]> {
  if (tree.kind !== "object") return [];
  const out: Array<[number, number]> = [];
  for (const [, v] of tree.entries) {
    if (v.kind !== "object") continue;
    const o = v.entries.find(([k]) => k === "data_offsets")?.[1];
    if (o?.kind === "array" && o.items.length === 2)
      out.push([Number(treeText(o.items[0]!)), Number(treeText(o.items[1]!))]);
  }
  return out;
}

/** Mutations of safetensors files (the u64 header size; header JSON: dtypes, shapes, offsets, generic) and of an index's JSON. */
export const safetensorsMutators: readonly Mutator[] = [
  onFile("st-header-size", (b, d) => {
    if (b.length < 8) return undefined;
    const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
    const v = hostileCount(d, n);
    const out = b.slice();
    new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return [out, `header size ${n} -> ${v}`];
  }),
  onFile("st-dtype", (b, d) => {
    const s = split(b);
    const m = s === undefined ? undefined : tensorMember(s.tree, d, "dtype");
    if (s === undefined || m === undefined) return undefined;
    const v = d.pick(DTYPES);
    m.set(raw(JSON.stringify(v)));
    return [join(treeText(s.tree), s.data), `'${m.name}' dtype ${v}`];
  }),
  onFile("st-shape", (b, d) => {
    const s = split(b);
    const m = s === undefined ? undefined : tensorMember(s.tree, d, "shape");
    if (s === undefined || m === undefined) return undefined;
    const v = d.pick([
      "[0]",
      "[]",
      "[0,3,3,3]",
      "[4294967296,4294967296]",
      "[9007199254740993]",
      "[-1,2]",
      "[1.5]",
      '["3"]',
      "[1e400]",
      "[1000000000,32,3,3]",
      "[2,2]",
    ]);
    m.set(raw(v));
    return [join(treeText(s.tree), s.data), `'${m.name}' shape ${v}`];
  }),
  onFile("st-offsets", (b, d) => {
    const s = split(b);
    const m = s === undefined ? undefined : tensorMember(s.tree, d, "data_offsets");
    if (s === undefined || m === undefined) return undefined;
    const others = offsetsOf(s.tree);
    const [ob, oe] = d.pick(others.length > 0 ? others : [[0, 0] as [number, number]]);
    const huge = hostileCount(d, oe);
    const v = d.pick([
      `[${ob},${oe}]`, // another tensor's range: overlap
      `[${oe},${ob}]`, // reversed
      `[${ob + 1},${oe + 1}]`,
      `[0,${huge}]`,
      `[${huge},${huge}]`,
      `[-4,${oe}]`,
      `[${ob}]`,
      `[${ob},${oe},${oe}]`,
      `[${ob},${oe}.5]`,
      `"${ob},${oe}"`,
    ]);
    m.set(raw(v));
    return [join(treeText(s.tree), s.data), `'${m.name}' data_offsets ${v}`];
  }),
  onFile("st-header-generic", (b, d) => {
    const s = split(b);
    if (s === undefined) return undefined;
    const note = mutateTree(s.tree, d);
    return [join(treeText(s.tree), s.data), note];
  }),
  onFile("st-header-text", (b, d) => {
    const s = split(b);
    if (s === undefined) return undefined;
    // Text-level: a truncated or spliced header with its size field either kept or matched.
    const text = treeText(s.tree);
    const at = d.below(text.length);
    const cut = d.chance(0.5) ? text.slice(0, at) : text.slice(0, at) + text.slice(at + 1 + d.below(8));
    return [join(cut, s.data), `header text edited at ${at}`];
  }),
  {
    name: "st-index",
    apply(model, d) {
      const path = [...model.files.keys()].find((p) => p.endsWith(".index.json"));
      const tree = path === undefined ? undefined : parseTree(model.files.get(path)!);
      if (path === undefined || tree === undefined || tree.kind !== "object") return undefined;
      const map = tree.entries.find(([k]) => k === "weight_map")?.[1];
      let note: string;
      if (map?.kind === "object" && map.entries.length > 0 && d.chance(0.6)) {
        const e = d.pick(map.entries);
        const shards = safetensorsFiles(model);
        const op = d.below(4);
        if (op === 0) e[1] = raw(JSON.stringify(d.pick(HOSTILE_PATHS)));
        else if (op === 1) e[1] = raw(JSON.stringify(d.pick(shards)));
        else if (op === 2) map.entries.push([e[0], raw(JSON.stringify(d.pick(shards)))]);
        else map.entries.push([`${e[0]}.extra`, e[1]]);
        note = `weight_map '${e[0]}' (op ${op})`;
      } else note = mutateTree(tree, d);
      const text = decodeUtf8(treeBytes(tree));
      return { model: withFile(model, path, encodeUtf8(text)), note: `${path}: ${note}` };
    },
  },
];
