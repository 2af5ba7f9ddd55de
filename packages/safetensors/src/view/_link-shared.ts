import type { BlockMatch } from "./block-match.js";

/**
 * Links the blocks that read a shared pre-BN (`BlockMatch.shared`): blocks
 * that share a key, directly or through others, make one group, and each
 * lists the deploy weights of its whole group (`shared.by`, itself
 * included). A group fuses whole or not at all (its members' candidates get
 * one `group`): when one member is refused while matching, so are the others.
 */
export function linkShared<S extends { readonly blocks: BlockMatch[] }>(scan: S): S {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const reader = new Map<string, string>();
  for (const b of scan.blocks) {
    for (const k of b.shared?.keys ?? []) {
      const other = reader.get(k);
      if (other === undefined) reader.set(k, b.deploy.weight);
      else parent.set(find(b.deploy.weight), find(other));
    }
  }
  if (reader.size === 0) return scan;
  const groups = new Map<string, BlockMatch[]>();
  for (const b of scan.blocks) {
    if (b.shared === undefined) continue;
    const root = find(b.deploy.weight);
    groups.set(root, [...(groups.get(root) ?? []), b]);
  }
  const blocks = scan.blocks.map((b) => {
    if (b.shared === undefined) return b;
    const members = groups.get(find(b.deploy.weight))!;
    const by = members.map((m) => m.deploy.weight).sort();
    const refused = members.find((m) => m.refusal !== undefined && m !== b);
    const held =
      b.refusal === undefined && refused !== undefined
        ? {
            refusal: {
              reason: refused.refusal!.reason,
              message: `fuses only with the other blocks that fold its pre-BN, and ${JSON.stringify(refused.deploy.weight)} is refused (${refused.refusal!.message})`,
            },
          }
        : {};
    return { ...b, ...held, shared: { keys: b.shared.keys, by } };
  });
  return { ...scan, blocks };
}
