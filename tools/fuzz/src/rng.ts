/**
 * A seeded random source (mulberry32 over a mixed seed): the same seed gives
 * the same draws on every machine, so a block is rebuilt from its seed alone.
 */
export class Rng {
  private state: number;

  /** @param seed - any safe integer; mixed so that neighbouring seeds start far apart. */
  constructor(seed: number) {
    // splitmix-style mixing of both 32-bit halves: seeds 0, 1, 2 ... give unrelated streams.
    let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    this.state = h >>> 0;
  }

  /** A float64 in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of `choices`, each with its weight (weights need not sum to 1). */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [v, w] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1]![0];
  }

  /** A float64 uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A float32 value (stored as float64) uniform in [lo, hi), log-uniform when `log` and lo > 0. */
  f32(lo: number, hi: number, log = false): number {
    return Math.fround(log ? Math.exp(this.uniform(Math.log(lo), Math.log(hi))) : this.uniform(lo, hi));
  }
}
