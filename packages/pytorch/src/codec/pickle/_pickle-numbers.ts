import { badPickle } from "./_py-check.js";

/** Longest LONG1/LONG4 operand read (bytes): checkpoints hold no integers near this. */
const MAX_LONG_BYTES = 1024;

/** A little-endian two's-complement integer (`LONG1`/`LONG4`). */
export function decodeLong(b: Uint8Array, where: string): bigint {
  if (b.length > MAX_LONG_BYTES)
    throw badPickle("an integer too long to read", where, `at most ${MAX_LONG_BYTES} bytes`, `${b.length}`);
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  if (b.length > 0 && b[b.length - 1]! >= 0x80) n -= 1n << BigInt(8 * b.length);
  return n;
}

/** A protocol-0 integer line; `01`/`00` are `True`/`False`. */
export function parseIntLine(line: string, where: string): bigint | boolean {
  if (line === "01") return true;
  if (line === "00") return false;
  if (!/^[+-]?\d{1,300}$/.test(line))
    throw badPickle("an integer that is not decimal", where, "digits", JSON.stringify(line.slice(0, 40)));
  return BigInt(line);
}

/** A protocol-0 float line (`repr` of a float). */
export function parseFloatLine(line: string, where: string): number {
  const t = line.trim();
  if (t === "inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  if (t === "nan") return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t))
    throw badPickle("a float that is not decimal", where, "a float", JSON.stringify(t.slice(0, 40)));
  return Number(t);
}
