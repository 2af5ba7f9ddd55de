import type { TensorInfo } from "../codec/tensor-info.js";
import { isIndexed, schemeRoots } from "./schemes/_scheme-paths.js";
import type { NamingScheme } from "./schemes/naming-scheme.js";

/**
 * False when the scheme's scan must come back empty: no key contains the
 * main conv's path (every block has a key ending in it) nor any of the
 * scheme's distinctive module roots (`rbr_dense`; with no block, a key under
 * a generic root such as `bn` is no leftover: only distinctive roots make
 * one). Lets detection skip, with plain substring searches, the built-in
 * schemes a file has nothing of, whose regular expressions over every key
 * (and leftover errors) are most of the match phase. A path or root with a
 * placeholder (`conv_kxk.{i}`, `dil_bn_k{k}_{r}`) is always scanned.
 */
export function schemePresent(tensors: ReadonlyMap<string, TensorInfo>, scheme: NamingScheme): boolean {
  const main = scheme.branches[0].conv;
  const distinctive = [...schemeRoots(scheme)].filter(([, generic]) => !generic).map(([r]) => r);
  const needles = [main, ...distinctive];
  if (needles.some((r) => r === "" || isIndexed(r))) return true;
  for (const key of tensors.keys()) for (const r of needles) if (key.includes(r)) return true;
  return false;
}
