/**
 * Hands out names not yet taken: `base`, else `base_1`, `base_2`, ...
 * Deterministic for a given order of requests.
 */
export function uniqueNames(taken: Iterable<string>): (base: string) => string {
  const used = new Set(taken);
  return (base) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}
