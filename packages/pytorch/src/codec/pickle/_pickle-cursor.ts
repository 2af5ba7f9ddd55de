import { ReparamError, decodeUtf8Strict } from "@reparam/core";

/**
 * Reads a pickle's operands, checking every length against the bytes that
 * exist before it slices (a length field is untrusted input).
 */
export class PickleCursor {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly where: string,
  ) {
    this.pos = start;
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

  private view(n: number): DataView {
    this.need(n);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  u16(): number {
    return this.view(2).getUint16(0, true);
  }
  i32(): number {
    return this.view(4).getInt32(0, true);
  }
  u32(): number {
    return this.view(4).getUint32(0, true);
  }
  /** A u64 length; past 2^53 it cannot fit in the bytes anyway, so it is reported as truncation. */
  u64(): number {
    const n = this.view(8).getBigUint64(0, true);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  }
  f64be(): number {
    return this.view(8).getFloat64(0, false);
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
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return s;
  }

  utf8(n: number): string {
    const at = this.pos;
    const text = decodeUtf8Strict(this.take(n));
    if (text !== undefined) return text;
    // Python writes lone surrogates with surrogatepass; keys never have them.
    throw new ReparamError("PYTORCH_BAD_PICKLE", "a string is not valid UTF-8", {
      where: `${this.where} byte ${at}`,
      expected: "UTF-8",
      found: `${n} bytes that are not`,
    });
  }
}
