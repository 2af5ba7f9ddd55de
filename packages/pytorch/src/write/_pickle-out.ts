import { encodeUtf8 } from "@reparam/core";

/** Pickle bytes being written: opcodes and operands, gathered in 64 KiB pieces. */
export class PickleOut {
  private readonly chunks: Uint8Array[] = [];
  private buf = new Uint8Array(1 << 16);
  private at = 0;

  byte(...bs: number[]): void {
    for (const b of bs) {
      if (this.at === this.buf.length) this.flush();
      this.buf[this.at++] = b;
    }
  }

  u32(v: number): void {
    this.byte(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  raw(b: Uint8Array): void {
    this.flush();
    this.chunks.push(b);
  }

  /** `BINUNICODE`. */
  str(s: string): void {
    const b = encodeUtf8(s);
    this.byte(0x58);
    this.u32(b.byteLength);
    this.raw(b);
  }

  /** `GLOBAL module name`. */
  global(module: string, name: string): void {
    this.byte(0x63);
    this.raw(encodeUtf8(`${module}\n${name}\n`));
  }

  /** The smallest of `BININT1`, `BININT`, `LONG1`. */
  int(n: bigint): void {
    if (n >= 0n && n < 256n) {
      this.byte(0x4b, Number(n));
      return;
    }
    if (n >= -(2n ** 31n) && n < 2n ** 31n) {
      this.byte(0x4a);
      this.u32(Number(BigInt.asUintN(32, n)));
      return;
    }
    const bytes: number[] = [];
    let v = n;
    do {
      bytes.push(Number(BigInt.asUintN(8, v)));
      v >>= 8n;
    } while (!((v === 0n && bytes.at(-1)! < 0x80) || (v === -1n && bytes.at(-1)! >= 0x80)));
    this.byte(0x8a, bytes.length, ...bytes);
  }

  /** `BINFLOAT` (big-endian). */
  float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.byte(0x47);
    this.raw(b);
  }

  private flush(): void {
    if (this.at > 0) this.chunks.push(this.buf.slice(0, this.at));
    this.at = 0;
  }

  done(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((a, c) => a + c.byteLength, 0));
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  }
}
