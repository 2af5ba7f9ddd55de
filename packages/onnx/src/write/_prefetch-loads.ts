/** A block's load and about how many bytes its kernels hold. */
export interface Load<T> {
  readonly load: () => Promise<T>;
  readonly bytes: number;
}

/**
 * Loaders that read ahead: when block k is asked for, block k + 1's load
 * starts too (when its kernels hold at most `budget` bytes), so that the
 * file is read while block k is fused and written instead of after. Each
 * block is loaded once: the read-ahead promise is what its own call gets.
 * A read-ahead that fails rejects only when its block is asked for.
 */
export function prefetchLoads<T>(loads: readonly Load<T>[], budget: number): (() => Promise<T>)[] {
  const ahead = new Map<number, Promise<T>>();
  const asked = new Set<number>();
  return loads.map((l, k) => () => {
    asked.add(k);
    const own = ahead.get(k) ?? l.load();
    ahead.delete(k);
    const next = loads[k + 1];
    if (next !== undefined && next.bytes <= budget && !asked.has(k + 1) && !ahead.has(k + 1)) {
      const p = next.load();
      p.catch(() => undefined); // seen when block k + 1 is asked for
      ahead.set(k + 1, p);
    }
    return own;
  });
}
