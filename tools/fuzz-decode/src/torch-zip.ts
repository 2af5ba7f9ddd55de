import { decodeUtf8Strict, encodeUtf8 } from "@reparam/core";
import { concat } from "./protobuf-scan.js";

/** One stored entry of a `torch.save` archive, where its records lie in the file, and its data. */
export interface ScannedEntry {
  readonly name: string;
  /** Offset of its central directory header. */
  readonly central: number;
  /** Offset of its local file header. */
  readonly local: number;
  readonly data: Uint8Array;
}

/** A zip archive's end record and entries, as far as they are plain (no zip64, every entry inside the file). */
export interface ScannedZip {
  /** Offset of the end-of-central-directory record. */
  readonly end: number;
  readonly entries: readonly ScannedEntry[];
}

/**
 * Reads a zip archive the plain way (the last end record, its directory,
 * each local header): the map the zip mutators edit. Undefined when
 * anything is off (a mutation already broke it: the byte mutators take over).
 */
export function scanZip(bytes: Uint8Array): ScannedZip | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && v.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) return undefined;
  const count = v.getUint16(end + 10, true);
  let p = v.getUint32(end + 16, true);
  const entries: ScannedEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || v.getUint32(p, true) !== 0x02014b50) return undefined;
    const n = v.getUint16(p + 28, true);
    const size = v.getUint32(p + 20, true);
    const local = v.getUint32(p + 42, true);
    if (local + 30 > bytes.length || v.getUint32(local, true) !== 0x04034b50) return undefined;
    const at = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (at + size > bytes.length) return undefined;
    const name = decodeUtf8Strict(bytes.subarray(p + 46, p + 46 + n));
    if (name === undefined) return undefined;
    entries.push({ name, central: p, local, data: bytes.subarray(at, at + size) });
    p += 46 + n + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return { end, entries };
}

/** The name of an archive's pickle (`<folder>/data.pkl`), if it has one. */
export function picklePath(zip: ScannedZip): string | undefined {
  return zip.entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name))?.name;
}

/**
 * A zip archive of stored entries, written as `torch.save` writes one: each
 * entry's data aligned to 64 bytes by a `FB` padding extra field in its
 * local header. With `zip64`, every size, offset and count is deferred to
 * zip64 records (directory extra fields, end record and locator), as for an
 * archive past 4 GiB. CRCs are left 0 (the reader finds entries by offset
 * and never checks them).
 */
export function buildZip(entries: ReadonlyArray<readonly [string, Uint8Array]>, zip64 = false): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  const big = (n: number) => (zip64 ? 0xffffffff : n);
  let at = 0;
  for (const [name, data] of entries) {
    const n = encodeUtf8(name);
    const pad = (64 - ((at + 30 + n.length + 4) % 64)) % 64;
    const local = new Uint8Array(30 + n.length + 4 + pad);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, n.length, true);
    l.setUint16(28, 4 + pad, true);
    local.set(n, 30);
    l.setUint16(30 + n.length, 0x4246, true); // "FB"
    l.setUint16(32 + n.length, pad, true);
    const extra = zip64 ? 28 : 0;
    const c = new Uint8Array(46 + n.length + extra);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, 45, true);
    cv.setUint32(20, big(data.length), true);
    cv.setUint32(24, big(data.length), true);
    cv.setUint16(28, n.length, true);
    cv.setUint16(30, extra, true);
    cv.setUint32(42, big(at), true);
    c.set(n, 46);
    if (zip64) {
      // Zip64 extra: size, compressed size, local header offset (the fields set to 0xffffffff, in that order).
      cv.setUint16(46 + n.length, 1, true);
      cv.setUint16(48 + n.length, 24, true);
      cv.setBigUint64(50 + n.length, BigInt(data.length), true);
      cv.setBigUint64(58 + n.length, BigInt(data.length), true);
      cv.setBigUint64(66 + n.length, BigInt(at), true);
    }
    parts.push(local, data);
    central.push(c);
    at += local.length + data.length;
  }
  const dir = concat(...central);
  const tail = new Uint8Array((zip64 ? 56 + 20 : 0) + 22);
  const t = new DataView(tail.buffer);
  if (zip64) {
    t.setUint32(0, 0x06064b50, true);
    t.setBigUint64(4, 44n, true);
    t.setUint16(12, 45, true);
    t.setUint16(14, 45, true);
    t.setBigUint64(24, BigInt(entries.length), true);
    t.setBigUint64(32, BigInt(entries.length), true);
    t.setBigUint64(40, BigInt(dir.length), true);
    t.setBigUint64(48, BigInt(at), true);
    t.setUint32(56, 0x07064b50, true);
    t.setBigUint64(64, BigInt(at + dir.length), true);
    t.setUint32(72, 1, true);
  }
  const e = tail.length - 22;
  t.setUint32(e, 0x06054b50, true);
  t.setUint16(e + 8, zip64 ? 0xffff : entries.length, true);
  t.setUint16(e + 10, zip64 ? 0xffff : entries.length, true);
  t.setUint32(e + 12, big(dir.length), true);
  t.setUint32(e + 16, big(at), true);
  return concat(...parts, dir, tail);
}

/** The archive's entries as name and data, in directory order (to edit, then {@link buildZip}). */
export function entryList(zip: ScannedZip): Array<[string, Uint8Array]> {
  return zip.entries.map((e) => [e.name, e.data]);
}
