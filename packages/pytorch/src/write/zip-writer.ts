import { type ByteSink, decodeUtf8, encodeUtf8 } from "@reparam/core";
import { crc32 } from "./_crc32.js";

/** Data of every entry starts at a multiple of this, as `torch.save` writes it (mmap-able). */
const ALIGN = 64;
const MAX32 = 0xffffffff;

interface Written {
  readonly name: Uint8Array;
  readonly offset: number;
  readonly size: number;
  readonly crc: number;
}

class Bytes {
  private readonly out: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(n: number) {
    this.out = new Uint8Array(n);
    this.view = new DataView(this.out.buffer);
  }
  u16(v: number) {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }
  u32(v: number) {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
    return this;
  }
  u64(v: number) {
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
    return this;
  }
  bytes(b: Uint8Array) {
    this.out.set(b, this.at);
    this.at += b.byteLength;
    return this;
  }
  done(): Uint8Array {
    return this.out;
  }
}

/**
 * Writes a zip archive the way `torch.save` does, streaming: stored
 * entries, each entry's data aligned to 64 bytes by padding in a `FB` extra
 * field. Sizes are known before the data, the CRC-32 only after it, so each
 * entry's CRC and sizes follow its data in a data descriptor (flag bit 3)
 * and are repeated in the central directory. Zip64 records are written
 * where a size, offset or count needs them.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: Written[] = [];
  private current:
    | { name: Uint8Array; offset: number; size: number; crc: number; written: number; zip64: boolean }
    | undefined;

  /**
   * @param sink - where the archive goes, piece by piece.
   * @param zip64At - sizes, offsets and counts from which zip64 records are
   *   written (0xffffffff, what the format needs; lower only to test them).
   */
  constructor(
    private readonly sink: ByteSink,
    private readonly zip64At = MAX32,
  ) {}

  /** A 32-bit field's value, or the 0xffffffff that defers it to a zip64 record. */
  private field(v: number): number {
    return v >= this.zip64At ? MAX32 : v;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  private async put(b: Uint8Array): Promise<void> {
    if (b.byteLength === 0) return;
    await this.sink.write(b);
    this.offset += b.byteLength;
  }

  /** Starts entry `name` of `size` bytes: its local header. */
  async begin(name: string, size: number): Promise<void> {
    const bytes = encodeUtf8(name);
    const zip64 = size >= this.zip64At;
    const fixed = 30 + bytes.byteLength + (zip64 ? 20 : 0) + 4;
    const pad = (ALIGN - ((this.offset + fixed) % ALIGN)) % ALIGN;
    const header = new Bytes(fixed + pad)
      .u32(0x04034b50)
      .u16(zip64 ? 45 : 20)
      .u16(0x0808) // bit 3: CRC and sizes in a data descriptor; bit 11: UTF-8 name
      .u16(0) // stored
      .u32(0) // time, date
      .u32(0) // CRC (in the descriptor)
      .u32(zip64 ? MAX32 : 0)
      .u32(zip64 ? MAX32 : 0)
      .u16(bytes.byteLength)
      .u16((zip64 ? 20 : 0) + 4 + pad)
      .bytes(bytes);
    if (zip64) header.u16(1).u16(16).u64(0).u64(0);
    header.u16(0x4246).u16(pad); // "FB" padding, zeros
    this.current = { name: bytes, offset: this.offset, size, crc: 0, written: 0, zip64 };
    await this.put(header.done());
  }

  /** Appends data to the entry begun last. */
  async data(chunk: Uint8Array): Promise<void> {
    const c = this.current!;
    c.written += chunk.byteLength;
    if (c.written > c.size) throw sizeError(c.name, c.size, c.written);
    c.crc = crc32(chunk, c.crc);
    await this.put(chunk);
  }

  /** Ends the entry begun last: its data descriptor. */
  async end(): Promise<void> {
    const c = this.current!;
    if (c.written !== c.size) throw sizeError(c.name, c.size, c.written);
    const d = new Bytes(c.zip64 ? 24 : 16).u32(0x08074b50).u32(c.crc);
    if (c.zip64) d.u64(c.size).u64(c.size);
    else d.u32(c.size).u32(c.size);
    await this.put(d.done());
    this.entries.push({ name: c.name, offset: c.offset, size: c.size, crc: c.crc });
    this.current = undefined;
  }

  /** One whole entry. */
  async add(name: string, bytes: Uint8Array): Promise<void> {
    await this.begin(name, bytes.byteLength);
    await this.data(bytes);
    await this.end();
  }

  /** Writes the central directory and the end records; returns the archive's size. */
  async finish(): Promise<number> {
    const start = this.offset;
    for (const e of this.entries) {
      const big = [e.size >= this.zip64At, e.size >= this.zip64At, e.offset >= this.zip64At];
      const extra = big.filter(Boolean).length * 8;
      const h = new Bytes(46 + e.name.byteLength + (extra > 0 ? 4 + extra : 0))
        .u32(0x02014b50)
        .u16(extra > 0 ? 45 : 20)
        .u16(extra > 0 ? 45 : 20)
        .u16(0x0808)
        .u16(0)
        .u32(0)
        .u32(e.crc)
        .u32(this.field(e.size))
        .u32(this.field(e.size))
        .u16(e.name.byteLength)
        .u16(extra > 0 ? 4 + extra : 0)
        .u16(0)
        .u16(0)
        .u16(0)
        .u32(0)
        .u32(this.field(e.offset))
        .bytes(e.name);
      if (extra > 0) {
        h.u16(1).u16(extra);
        if (big[0]) h.u64(e.size);
        if (big[1]) h.u64(e.size);
        if (big[2]) h.u64(e.offset);
      }
      await this.put(h.done());
    }
    const size = this.offset - start;
    const count = this.entries.length;
    const count64 = count >= Math.min(0xffff, this.zip64At);
    if (count64 || start >= this.zip64At || size >= this.zip64At) {
      const at = this.offset;
      await this.put(
        new Bytes(56)
          .u32(0x06064b50)
          .u64(44)
          .u16(45)
          .u16(45)
          .u32(0)
          .u32(0)
          .u64(count)
          .u64(count)
          .u64(size)
          .u64(start)
          .done(),
      );
      await this.put(new Bytes(20).u32(0x07064b50).u32(0).u64(at).u32(1).done());
    }
    const end = new Bytes(22)
      .u32(0x06054b50)
      .u16(0)
      .u16(0)
      .u16(Math.min(count, 0xffff))
      .u16(Math.min(count, 0xffff))
      .u32(this.field(size))
      .u32(this.field(start))
      .u16(0);
    await this.put(end.done());
    return this.offset;
  }
}

function sizeError(name: Uint8Array, size: number, written: number): Error {
  // The writer's caller announced the size from the same shapes it writes: a mismatch is a bug.
  return new Error(`zip entry ${decodeUtf8(name)}: announced ${size} bytes, got ${written}`);
}
