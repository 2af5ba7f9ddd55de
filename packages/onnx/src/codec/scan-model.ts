import type { ByteSource } from "@reparam/core";
import { SourceCursor } from "./_source-cursor.js";
import { varint } from "./wire-fields.js";

/** `raw_data` of at least this many bytes in a main-graph initializer is left in the file. */
export const LAZY_RAW_BYTES = 64 * 1024;

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DATA_TYPE = 2;
const TENSOR_RAW_DATA = 9;
/** FLOAT, DOUBLE, FLOAT16, BFLOAT16: weights. Integer tensors (shapes, pads, indices) are small and read as the graph is read. */
const FLOAT_TYPES: ReadonlySet<number> = new Set([1, 11, 10, 16]);

/** A model file read as its structure: the bytes without large weights, and where those weights are. */
export interface ScannedModel {
  /** The file's bytes with each large initializer's `raw_data` emptied (its tag and a zero length kept). */
  readonly skeleton: Uint8Array;
  /** By index among the main graph's initializers (in file order): where its `raw_data` is in the file. */
  readonly lazy: ReadonlyMap<number, { readonly offset: number; readonly length: number }>;
}

interface Field {
  readonly number: number;
  readonly wire: number;
  readonly start: number;
  /** For wire type 2, where the length prefix starts; else the value's start. */
  readonly prefix: number;
  readonly valueStart: number;
  readonly end: number;
}

/** Names of the fields the scanner descends into or reads, by message, for errors. */
const NAMES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  ModelProto: { [MODEL_GRAPH]: "graph" },
  "ModelProto.graph": { [GRAPH_INITIALIZER]: "initializer" },
  "ModelProto.graph.initializer": { [TENSOR_RAW_DATA]: "raw_data" },
};

/** The fields of the message `path` in [start, end), in order, checked to lie inside it. */
async function fields(cur: SourceCursor, start: number, end: number, path: string): Promise<Field[]> {
  const out: Field[] = [];
  let pos = start;
  while (pos < end) {
    const tag = await cur.varint(pos, end);
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const name = `${path}.${NAMES[path]?.[number] ?? `#${number}`}`;
    if (number === 0) throw cur.bad(pos, `field number 0 in ${path}`);
    let valueStart = tag.next;
    let fieldEnd: number;
    if (wire === 0) fieldEnd = (await cur.varint(valueStart, end, false)).next;
    else if (wire === 1) fieldEnd = valueStart + 8;
    else if (wire === 5) fieldEnd = valueStart + 4;
    else if (wire === 2) {
      const length = await cur.varint(valueStart, end);
      valueStart = length.next;
      fieldEnd = valueStart + length.value;
    } else throw cur.bad(pos, `${name} (field ${number}) with wire type ${wire}`);
    if (fieldEnd > end)
      throw cur.bad(pos, `${name} (field ${number}) runs past the end of its message (byte ${fieldEnd} > ${end})`);
    out.push({ number, wire, start: pos, prefix: tag.next, valueStart, end: fieldEnd });
    pos = fieldEnd;
  }
  return out;
}

/**
 * Copies the message in [start, end) field by field into `out`, except the
 * fields `replace` rewrites (it pushes their new bytes and returns true);
 * runs of copied fields are read in one piece. Returns the bytes pushed.
 */
async function rewrite(
  cur: SourceCursor,
  start: number,
  end: number,
  path: string,
  out: Uint8Array[],
  replace: (f: Field, out: Uint8Array[]) => Promise<boolean>,
): Promise<number> {
  let run = start;
  let length = 0;
  const flush = async (upTo: number) => {
    if (upTo > run) {
      out.push(await cur.bytes(run, upTo - run));
      length += upTo - run;
    }
  };
  for (const f of await fields(cur, start, end, path)) {
    const replaced: Uint8Array[] = [];
    if (!(await replace(f, replaced))) continue;
    await flush(f.start);
    out.push(...replaced);
    for (const p of replaced) length += p.byteLength;
    run = f.end;
  }
  await flush(end);
  return length;
}

/** Pushes `f`'s tag, then a new length prefix for `length` bytes of value. */
async function header(cur: SourceCursor, f: Field, length: number, out: Uint8Array[]): Promise<void> {
  out.push(await cur.bytes(f.start, f.prefix - f.start), varint(length));
}

/**
 * Reads an ONNX model's structure through `source` without reading its large
 * weights: every main-graph float initializer (one `data_type`, one
 * `raw_data` field) whose `raw_data` holds at least `minLazy` bytes is
 * emptied in the returned skeleton (which
 * `fromBinary` then decodes like the file, less those bytes), its place in
 * the file recorded. The walk checks that every field lies inside its
 * message (`ONNX_DECODE` otherwise); the skeleton gets the full structural
 * check when decoded. Memory: the skeleton plus a 64 KB window.
 */
export async function scanModel(source: ByteSource, label: string, minLazy = LAZY_RAW_BYTES): Promise<ScannedModel> {
  const cur = new SourceCursor(source, label);
  const lazy = new Map<number, { offset: number; length: number }>();
  let index = 0; // initializers seen so far, across graph fields (protobuf merges repeated message fields)
  const tensor = async (f: Field, out: Uint8Array[]): Promise<boolean> => {
    const path = "ModelProto.graph.initializer";
    const all = await fields(cur, f.valueStart, f.end, path);
    const raws = all.filter((x) => x.number === TENSOR_RAW_DATA);
    const types = all.filter((x) => x.number === TENSOR_DATA_TYPE && x.wire === 0);
    const raw = raws[0];
    const i = index++;
    if (raws.length !== 1 || raw!.wire !== 2 || raw!.end - raw!.valueStart < minLazy || types.length !== 1)
      return false;
    if (!FLOAT_TYPES.has((await cur.varint(types[0]!.valueStart, types[0]!.end, false)).value)) return false;
    const parts: Uint8Array[] = [];
    const length = await rewrite(cur, f.valueStart, f.end, path, parts, async (x, o) => {
      if (x.start !== raw!.start) return false;
      await header(cur, x, 0, o);
      return true;
    });
    lazy.set(i, { offset: raw!.valueStart, length: raw!.end - raw!.valueStart });
    await header(cur, f, length, out);
    out.push(...parts);
    return true;
  };
  const graph = async (f: Field, out: Uint8Array[]): Promise<boolean> => {
    const parts: Uint8Array[] = [];
    const length = await rewrite(cur, f.valueStart, f.end, "ModelProto.graph", parts, (x, o) =>
      x.number === GRAPH_INITIALIZER && x.wire === 2 ? tensor(x, o) : Promise.resolve(false),
    );
    await header(cur, f, length, out);
    out.push(...parts);
    return true;
  };
  const parts: Uint8Array[] = [];
  await rewrite(cur, 0, source.size, "ModelProto", parts, (f, o) =>
    f.number === MODEL_GRAPH && f.wire === 2 ? graph(f, o) : Promise.resolve(false),
  );
  const skeleton = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    skeleton.set(p, at);
    at += p.byteLength;
  }
  return { skeleton, lazy };
}
