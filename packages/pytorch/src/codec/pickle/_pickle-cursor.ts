import { ReparamError, decodeUtf8Strict } from "@reparam/core";

/**
 * Reads a pickle's operands, checking every length against the bytes that
 * exist before it slices (a length field is untrusted input).
 */
export class PickleCursor {
  pos: number;
  private readonly data: DataView;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly where: string,
  ) {
    this.pos = start;
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (n > this.bytes.byteLength - this.pos) {
      throw new ReparamError("PYTORCH_TRUNCATED", "the pickle ends inside an instruction", {
        where: `${this.where} byte ${this.pos}`,
        expected: `${n} more bytes`,
        found: `${this.bytes.byteLength - this.pos}`,
      });
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /** Offset of the next `n` bytes, checked, and the cursor moved past them. */
  private advance(n: number): number {
    this.need(n);
    this.pos += n;
    return this.pos - n;
  }

  u16(): number {
    return this.data.getUint16(this.advance(2), true);
  }
  i32(): number {
    return this.data.getInt32(this.advance(4), true);
  }
  u32(): number {
    return this.data.getUint32(this.advance(4), true);
  }
  /** A u64 length; past 2^53 it cannot fit in the bytes anyway, so it is reported as truncation. */
  u64(): number {
    const n = this.data.getBigUint64(this.advance(8), true);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  }
  f64be(): number {
    return this.data.getFloat64(this.advance(8), false);
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Text up to the next newline (protocol 0 operands), newline dropped. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.need(this.bytes.byteLength - this.pos + 1);
    const text = this.latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  latin1(b: Uint8Array): string {
    let s = "";
    if (b.length <= 64) {
      for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
      return s;
    }
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return s;
  }

  utf8(n: number): string {
    const at = this.pos;
    const b = this.take(n);
    // Keys and names are ASCII: no decoder call for them.
    if (n <= 64 && b.every((x) => x < 0x80)) return this.latin1(b);
    const text = decodeUtf8Strict(b);
    if (text !== undefined) return text;
    // Python writes lone surrogates with surrogatepass; keys never have them.
    throw new ReparamError("PYTORCH_BAD_PICKLE", "a string is not valid UTF-8", {
      where: `${this.where} byte ${at}`,
      expected: "UTF-8",
      found: `${n} bytes that are not`,
    });
  }
}
