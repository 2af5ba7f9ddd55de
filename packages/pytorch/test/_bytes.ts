/** Bytes from pieces: strings as latin1 (opcodes and text operands), numbers as single bytes. */
export function bytes(...parts: (string | number | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else if (typeof p === "string") for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return new Uint8Array(out);
}

/** A u32 little-endian operand. */
export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** `BINUNICODE` of ASCII text. */
export function unicode(s: string): (string | number[])[] {
  return ["X", u32(s.length), s];
}
