import { ReparamError } from "@reparam/core";
import type { BlockMatch } from "./block-match.js";
import type { NamingScheme } from "./schemes/naming-scheme.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/** Blocks that match cleanly and the errors of the others, by block prefix (`scanScheme`'s result). */
interface Scan {
  readonly blocks: BlockMatch[];
  readonly errors: { readonly prefix: string; readonly error: ReparamError }[];
}

/**
 * Scans a scheme with other forms (`NamingScheme.variants`): each form is
 * scanned as a scheme of its own (the scheme's name, family and eps), and
 * their blocks and errors are put together. Keys a form does not use are
 * passed through by the others only under their generic roots, so a key of
 * one form under another's distinctive module name is still an error. A key
 * that two forms use is `SAFETENSORS_AMBIGUOUS_BLOCK`.
 */
export function scanVariants(
  tensors: ReadonlyMap<string, TensorInfo>,
  scheme: NamingScheme,
  scan: (form: NamingScheme) => Scan,
): Scan {
  const { variants = [], ...base } = scheme;
  const forms: NamingScheme[] = [
    base,
    ...variants.map((v) => ({
      name: base.name,
      family: base.family,
      ...(base.eps === undefined ? {} : { eps: base.eps }),
      ...v,
    })),
  ];
  const claims = new Map<string, string>();
  const blocks: BlockMatch[] = [];
  const errors: Scan["errors"][number][] = [];
  for (const form of forms) {
    const found = scan(form);
    errors.push(...found.errors);
    for (const block of found.blocks) {
      const own = block.consumed.filter((k) => block.shared?.keys.includes(k) !== true);
      const shared = own.find((k) => claims.has(k));
      if (shared !== undefined) {
        errors.push({
          prefix: block.prefix,
          error: new ReparamError(
            "SAFETENSORS_AMBIGUOUS_BLOCK",
            "a key would be used by two forms of the family's block",
            {
              where: JSON.stringify(shared),
              expected: `each key in one form of scheme ${scheme.name}`,
              found: `used by blocks ${JSON.stringify(claims.get(shared))} and ${JSON.stringify(block.name)}`,
            },
          ),
        });
        continue;
      }
      for (const k of own) claims.set(k, block.name);
      blocks.push(block);
    }
  }
  const order = [...tensors.keys()];
  const at = new Map(order.map((k, i) => [k, i]));
  blocks.sort((x, y) => at.get(x.anchor)! - at.get(y.anchor)!);
  const bad = new Set(errors.map((e) => e.prefix));
  return { blocks: blocks.filter((b) => !bad.has(b.prefix)), errors };
}
