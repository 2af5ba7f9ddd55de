import { decodeUtf8Strict, encodeUtf8 } from "@reparam/core";
import type { Draw } from "./draw.js";
import { type ModelFiles, mainBytes, withFile } from "./model-files.js";
import { type PickleOp, scanPickle } from "./pickle-scan.js";
import { concat } from "./protobuf-scan.js";
import { buildZip, entryList, picklePath, scanZip } from "./torch-zip.js";

/** A pickle of a `torch.save` file, its instructions, and how to put an edited one back. */
export interface PickleSite {
  /** `archive/data.pkl`, or `pickle N` of a legacy file. */
  readonly label: string;
  readonly bytes: Uint8Array;
  readonly ops: readonly PickleOp[];
  put(pickle: Uint8Array): ModelFiles;
}

/** The five pickles at the start of a legacy file (magic, protocol, sys info, value, storage keys), as far as they scan. */
export function legacyPickles(bytes: Uint8Array): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const ops = scanPickle(bytes, at);
    if (ops === undefined) break;
    out.push({ start: at, end: ops.at(-1)!.end });
    at = ops.at(-1)!.end;
  }
  return out;
}

/**
 * A pickle of the model to edit: an archive's `data.pkl` (the archive is
 * rewritten around the new one, so that its directory still holds), or one
 * of a legacy file's header pickles (the main value most often). Undefined
 * when none scans (a mutation already broke it).
 */
export function pickleSite(model: ModelFiles, d: Draw): PickleSite | undefined {
  const bytes = mainBytes(model);
  const zip = scanZip(bytes);
  if (zip !== undefined) {
    const path = picklePath(zip);
    const entry = zip.entries.find((e) => e.name === path);
    const ops = entry === undefined ? undefined : scanPickle(entry.data);
    if (entry === undefined || ops === undefined) return undefined;
    const entries = entryList(zip);
    const put = (p: Uint8Array) =>
      withFile(model, model.name, buildZip(entries.map(([n, b]) => [n, n === path ? p : b] as const)));
    return { label: entry.name, bytes: entry.data, ops, put };
  }
  const pickles = bytes[0] === 0x80 ? legacyPickles(bytes) : [];
  if (pickles.length === 0) return undefined;
  const i = pickles.length > 3 && d.chance(0.7) ? 3 : d.below(pickles.length);
  const { start, end } = pickles[i]!;
  const own = bytes.subarray(start, end);
  const put = (p: Uint8Array) => withFile(model, model.name, concat(bytes.subarray(0, start), p, bytes.subarray(end)));
  return { label: `pickle ${i + 1}`, bytes: own, ops: scanPickle(own)!, put };
}

/** `BININT` when it fits 32 bits, else `LONG1` (little-endian two's complement, shortest). */
export function intOp(n: bigint): Uint8Array {
  if (n >= -(2n ** 31n) && n < 2n ** 31n) {
    const b = new Uint8Array(5);
    b[0] = 0x4a;
    new DataView(b.buffer).setInt32(1, Number(n), true);
    return b;
  }
  const out: number[] = [];
  let v = n;
  for (;;) {
    out.push(Number(BigInt.asUintN(8, v)));
    v >>= 8n;
    const sign = out.at(-1)! & 0x80;
    if ((v === 0n && sign === 0) || (v === -1n && sign !== 0)) break;
  }
  return Uint8Array.from([0x8a, out.length, ...out]);
}

/** `BINUNICODE` of `s`. */
export function textOp(s: string): Uint8Array {
  const utf8 = encodeUtf8(s);
  const b = new Uint8Array(5 + utf8.length);
  b[0] = 0x58;
  new DataView(b.buffer).setUint32(1, utf8.length, true);
  b.set(utf8, 5);
  return b;
}

/** The value of an int instruction (`BININT1`, `BININT2`, `BININT`), 0 for the others. */
export function intValue(bytes: Uint8Array, op: PickleOp): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset + op.at + 1);
  if (op.op === 0x4b) return v.getUint8(0);
  if (op.op === 0x4d) return v.getUint16(0, true);
  if (op.op === 0x4a) return v.getInt32(0, true);
  return 0;
}

/** The text of a string instruction (`SHORT_BINUNICODE`, `BINUNICODE`, `SHORT_BINSTRING`, `BINSTRING`). */
export function textValue(bytes: Uint8Array, op: PickleOp): string {
  const from = op.length === undefined ? op.end : op.length.at + op.length.size;
  const b = bytes.subarray(from, op.end);
  return decodeUtf8Strict(b) ?? String.fromCharCode(...b.subarray(0, 256));
}

/** `bytes` with `[from, to)` replaced by `insert`. */
export function spliceBytes(bytes: Uint8Array, from: number, to: number, insert: Uint8Array): Uint8Array {
  return concat(bytes.subarray(0, from), insert, bytes.subarray(to));
}
