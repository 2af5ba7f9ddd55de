import { ReparamError, type ByteSource } from "@reparam/core";

/** Bytes read from the source at a time, into one reused buffer: small, since a large tensor's data usually follows. */
const WINDOW = 64 * 1024;

/**
 * Sequential-ish reads of a {@link ByteSource} through one reused window:
 * the protobuf scanner asks for a few bytes at a time (tags, varints) and
 * for whole small fields, and skips large ones without reading them.
 */
export class SourceCursor {
  private window: Uint8Array = new Uint8Array(0);
  private start = 0;
  private readonly buffer = new Uint8Array(WINDOW);

  constructor(
    private readonly source: ByteSource,
    private readonly label: string,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Makes bytes [pos, pos + n) available in the window (fewer at the end of the source). */
  private async fill(pos: number, n: number): Promise<void> {
    if (pos >= this.start && pos + n <= this.start + this.window.byteLength) return;
    const length = Math.min(Math.max(n, WINDOW), this.source.size - pos);
    if (length <= 0) {
      this.start = pos;
      this.window = new Uint8Array(0);
      return;
    }
    if (length <= WINDOW && this.source.readInto !== undefined) {
      this.window = this.buffer.subarray(0, length);
      await this.source.readInto(pos, this.window);
    } else this.window = await this.source.read(pos, length);
    this.start = pos;
  }

  /**
   * A varint at `pos` (at most 10 bytes) and where it ends; `value` is exact
   * up to 2^53, which lengths and tags are checked against by `safe` (a
   * varint field's value, such as an int64 of 2^63 - 1, may be larger).
   */
  async varint(pos: number, end: number, safe = true): Promise<{ value: number; next: number }> {
    await this.fill(pos, 10);
    let value = 0;
    let scale = 1;
    for (let i = pos; i < Math.min(end, pos + 10); i++) {
      const b = this.window[i - this.start];
      if (b === undefined) break;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        if (safe && !Number.isSafeInteger(value)) throw this.bad(pos, "a length or tag past 2^53");
        return { value, next: i + 1 };
      }
    }
    throw this.bad(pos, "a varint cut off by the end of its message");
  }

  /** Bytes [pos, pos + n) (a copy, or what the source read: never the reused window), which the caller has checked lie inside the source. */
  async bytes(pos: number, n: number): Promise<Uint8Array> {
    if (n > WINDOW) return this.source.read(pos, n); // copied into the skeleton by the caller, never kept
    await this.fill(pos, n);
    return this.window.slice(pos - this.start, pos - this.start + n);
  }

  /** The `ONNX_DECODE` error for malformed bytes at `pos`. */
  bad(pos: number, found: string): ReparamError {
    return new ReparamError("ONNX_DECODE", "malformed ONNX protobuf", {
      where: `${this.label} at byte ${pos}`,
      expected: "a well-formed ModelProto",
      found,
    });
  }
}
