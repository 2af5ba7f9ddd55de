/**
 * The random choices of one mutation step, from a seed that fast-check drew
 * (mulberry32): the same seed gives the same choices on every machine.
 */
export class Draw {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** A float64 in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n) (0 when n <= 0). */
  below(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)]!;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * Integers that break length and count checks: zero, one, the 31/32/53/63/64-bit
 * edges, 10^9, and (as unsigned 64-bit patterns) -1 and -2^63.
 */
export const HOSTILE_COUNTS: readonly bigint[] = [
  0n,
  1n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  1_000_000_000n,
];

/** A hostile count, or `near` plus or minus one or two. */
export function hostileCount(d: Draw, near: number): bigint {
  if (d.chance(0.35)) return BigInt(Math.max(0, near + d.pick([-2, -1, 1, 2])));
  return d.pick(HOSTILE_COUNTS);
}

/** Paths that must never be read or written: escapes, absolute, drive letters, backslashes, encoded and NUL tricks. */
export const HOSTILE_PATHS: readonly string[] = [
  "../weights.bin",
  "../../etc/passwd",
  "a/../../x.bin",
  "/etc/passwd",
  "//server/share/x.bin",
  "C:\\Windows\\x.bin",
  "C:x.bin",
  "c:/x.bin",
  "..\\x.bin",
  "sub\\..\\..\\x.bin",
  "%2e%2e/x.bin",
  "..%2fx.bin",
  ".%2E/x.bin",
  "x.bin%00.txt",
  "x.bin\u0000../y",
  "...",
  ".. ",
  "file:///etc/passwd",
  "http://example.com/x.bin",
  "",
  ".",
  "./",
  "outside-link.bin",
  "\uD800.bin",
];
