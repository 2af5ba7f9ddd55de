/**
 * Computes one value per node in dependency order (Kahn's algorithm), so
 * that node lists in any order cost linear time: a node is computed once
 * every input key has a value (seeded, or computed from its producer). Nodes
 * that read a key nothing produces, or that sit on a cycle, get no value.
 *
 * @param key - the key a node's value is stored under.
 * @param inputs - the keys a node reads.
 * @param compute - the node's value, given a lookup of computed values.
 */
export function propagate<N, V>(
  nodes: readonly N[],
  key: (n: N) => string,
  inputs: (n: N) => readonly string[],
  compute: (n: N, get: (k: string) => V) => V,
  seed: ReadonlyMap<string, V> = new Map(),
): Map<string, V> {
  const values = new Map(seed);
  const produced = new Set(nodes.map(key));
  const dependents = new Map<string, N[]>();
  const waiting = new Map<N, number>();
  const ready: N[] = [];
  for (const n of nodes) {
    const missing = inputs(n).filter((k) => !values.has(k));
    if (missing.some((k) => !produced.has(k))) continue;
    waiting.set(n, missing.length);
    for (const k of missing) {
      const list = dependents.get(k);
      if (list === undefined) dependents.set(k, [n]);
      else list.push(n);
    }
    if (missing.length === 0) ready.push(n);
  }
  for (let n = ready.pop(); n !== undefined; n = ready.pop()) {
    const k = key(n);
    values.set(
      k,
      compute(n, (x) => values.get(x) as V),
    );
    for (const d of dependents.get(k) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return values;
}
