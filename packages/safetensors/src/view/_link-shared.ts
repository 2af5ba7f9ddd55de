import type { BlockMatch } from "./block-match.js";

/**
 * Fills in, for each block that reads a shared pre-BN (`BlockMatch.shared`),
 * the deploy weights of every block that reads any of the same keys, itself
 * included: the writer drops those keys only when all of them fuse.
 */
export function linkShared<S extends { readonly blocks: BlockMatch[] }>(scan: S): S {
  const readers = new Map<string, string[]>();
  for (const b of scan.blocks)
    for (const k of b.shared?.keys ?? []) readers.set(k, [...(readers.get(k) ?? []), b.deploy.weight]);
  if (readers.size === 0) return scan;
  const blocks = scan.blocks.map((b) => {
    if (b.shared === undefined) return b;
    const by = new Set(b.shared.keys.flatMap((k) => readers.get(k) ?? []));
    return { ...b, shared: { keys: b.shared.keys, by: [...by] } };
  });
  return { ...scan, blocks };
}
