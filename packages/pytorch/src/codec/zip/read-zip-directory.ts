import { type ByteSource, decodeUtf8Strict } from "@reparam/core";
import { badZip, fields, readChecked } from "./_zip-fields.js";
import type { ZipEntry } from "./zip-entry.js";

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Largest central directory read (bytes): about two million entries. */
const MAX_DIRECTORY = 256 << 20;

async function findEnd(source: ByteSource, where: string): Promise<{ at: number; record: Uint8Array }> {
  const tail = Math.min(source.size, 22 + 0xffff);
  const bytes = await readChecked(source, source.size - tail, tail, where);
  const f = fields(bytes);
  for (let i = tail - 22; i >= 0; i--) {
    if (f.u32(i) === EOCD && i + 22 + f.u16(i + 20) === tail)
      return { at: source.size - tail + i, record: bytes.subarray(i, i + 22) };
  }
  throw badZip("no end-of-central-directory record", where, "a zip archive", "none in the last 64 KiB");
}

/**
 * Reads the central directory of a zip archive (zip64 included): the
 * entries' names, methods, sizes and local header offsets. Every size and
 * offset is checked against the file before it is used; no entry data is read.
 *
 * @throws ReparamError `PYTORCH_BAD_ZIP`, `PYTORCH_TRUNCATED`.
 */
export async function readZipDirectory(source: ByteSource, where: string): Promise<ZipEntry[]> {
  const end = await findEnd(source, where);
  const e = fields(end.record);
  let count = e.u16(10);
  let size = e.u32(12);
  let offset = e.u32(16);
  if (e.u16(4) !== 0 || e.u16(6) !== 0) throw badZip("a multi-disk archive", where, "one disk", `disk ${e.u16(4)}`);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = fields(await readChecked(source, end.at - 20, 20, `${where} zip64 locator`));
    if (locator.u32(0) !== LOCATOR64)
      throw badZip("no zip64 locator", `${where} byte ${end.at - 20}`, "a zip64 locator", "none");
    const at = locator.u64(8);
    const record = fields(await readChecked(source, at, 56, `${where} zip64 end record`));
    if (record.u32(0) !== EOCD64)
      throw badZip("no zip64 end record", `${where} byte ${at}`, "a zip64 end record", "none");
    count = record.u64(32);
    size = record.u64(40);
    offset = record.u64(48);
  }
  if (size > MAX_DIRECTORY || count * 46 > size)
    throw badZip(
      "a central directory of impossible size",
      where,
      `${count} entries in at most ${MAX_DIRECTORY} bytes`,
      `${size} bytes`,
    );
  const dir = await readChecked(source, offset, size, `${where} central directory`);
  const d = fields(dir);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    const at = `${where} central directory entry ${i}`;
    if (p + 46 > size || d.u32(p) !== CENTRAL)
      throw badZip("a central directory entry is malformed", at, "a central file header", "other bytes");
    const nameLength = d.u16(p + 28);
    const extraLength = d.u16(p + 30);
    const next = p + 46 + nameLength + extraLength + d.u16(p + 32);
    if (next > size)
      throw badZip("a central directory entry runs past the directory", at, `at most ${size}`, `${next}`);
    const name = decodeUtf8Strict(dir.subarray(p + 46, p + 46 + nameLength));
    if (name === undefined) throw badZip("an entry name is not UTF-8", at, "UTF-8", "other bytes");
    let csize = d.u32(p + 20);
    let usize = d.u32(p + 24);
    let local = d.u32(p + 42);
    // zip64 extra field: the 64-bit values of the fields set to 0xffffffff, in this order.
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = d.u16(x);
      const length = d.u16(x + 2);
      let v = x + 4;
      if (id === 1) {
        const take = () => {
          if (v + 8 > x + 4 + length) throw badZip("a zip64 extra field is short", at, "8 more bytes", "fewer");
          const n = d.u64(v);
          v += 8;
          return n;
        };
        if (usize === 0xffffffff) usize = take();
        if (csize === 0xffffffff) csize = take();
        if (local === 0xffffffff) local = take();
      }
      x += 4 + length;
    }
    entries.push({
      name,
      method: d.u16(p + 10),
      flags: d.u16(p + 8),
      crc32: d.u32(p + 16),
      compressedSize: csize,
      size: usize,
      localHeaderOffset: local,
    });
    p = next;
  }
  return entries;
}

/**
 * Where an entry's data starts: after its local header, whose name and extra
 * field lengths are read from the file. The data must lie inside the file.
 *
 * @throws ReparamError `PYTORCH_BAD_ZIP`, `PYTORCH_TRUNCATED`.
 */
export async function entryDataOffset(source: ByteSource, entry: ZipEntry, where: string): Promise<number> {
  const header = await readChecked(source, entry.localHeaderOffset, 30, `${where} local header`);
  const h = fields(header);
  if (h.u32(0) !== LOCAL)
    throw badZip("no local file header where the directory says", where, "a local file header", "other bytes");
  const start = entry.localHeaderOffset + 30 + h.u16(26) + h.u16(28);
  if (start + entry.compressedSize > source.size)
    throw badZip(
      "an entry's data runs past the end of the file",
      where,
      `at most ${source.size}`,
      `${start + entry.compressedSize}`,
    );
  return start;
}
