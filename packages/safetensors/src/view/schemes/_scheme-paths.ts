import type { BranchRule, NamingScheme } from "./naming-scheme.js";

/** `a.b` -> `a\.b` for a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `{i}` (a ModuleList index), `{k}` and `{r}` (UniRepLKNet's `dil_conv_k{k}_{r}`: kernel size and dilation). */
const PLACEHOLDER = /\{[ikr]\}/g;

/** True when a path has a placeholder (`{i}`, `{k}`, `{r}`). */
export function isIndexed(path: string): boolean {
  return path.includes("{") && path.search(PLACEHOLDER) >= 0; // the search only for the few paths with a brace
}

/** A module path as RegExp source, each placeholder capturing its digits. */
export function pathPattern(path: string): string {
  return path.split(PLACEHOLDER).map(escapeRegExp).join("(\\d+)");
}

/** The path with its placeholders filled, in order, from an index (`"5,2"` for `dil_conv_k{k}_{r}`). */
export function fillPath(path: string, index: string): string {
  const parts = index.split(",");
  let n = 0;
  return path.replace(PLACEHOLDER, () => parts[n++] ?? "");
}

/** The value a placeholder (`{r}`) takes in an index, or undefined when the path has none. */
export function placeholderValue(path: string, index: string, name: "k" | "r"): number | undefined {
  const found: readonly string[] = path.match(PLACEHOLDER) ?? [];
  const at = found.indexOf(`{${name}}`);
  return at < 0 ? undefined : Number(index.split(",")[at]);
}

/** Every module path a rule names. */
export function rulePaths(rule: BranchRule): string[] {
  if ("conv" in rule) return rule.bn === undefined ? [rule.conv] : [rule.conv, rule.bn];
  if ("identity" in rule) return [rule.identity];
  if ("chain" in rule) return rule.chain.flatMap((s) => (s.bn === undefined ? [s.conv] : [s.conv, s.bn]));
  if ("bareIdentity" in rule) return [rule.bareIdentity];
  if ("sequential" in rule) {
    const s = rule.sequential;
    return [s.first, s.second, s.firstBn, s.secondBn].filter((p): p is string => p !== undefined);
  }
  const a = rule.avgpool;
  return [a.bn, a.conv, a.convBn].filter((p): p is string => p !== undefined);
}

/** The scheme's pre-BN module paths, in the order they apply (see `NamingScheme.preBn`). */
export function preBnPaths(scheme: Pick<NamingScheme, "preBn">): readonly string[] {
  const p = scheme.preBn;
  return p === undefined ? [] : typeof p === "string" ? [p] : p;
}

/**
 * The first path segments (with `moduleRoots`, the whole paths) of a scheme's modules (`rbr_dense`, `bn`), each
 * with whether it is generic (see `NamingScheme.genericRoots`; the post-BN's
 * and post-affine's are always generic): a key under a root "looks like a branch".
 */
export function schemeRoots(scheme: NamingScheme): ReadonlyMap<string, boolean> {
  let roots = rootsOf.get(scheme);
  if (roots === undefined) {
    roots = computeRoots(scheme);
    rootsOf.set(scheme, roots);
  }
  return roots;
}

/** {@link schemeRoots} of each scheme seen, made once (detection asks for them per scheme and per key). */
const rootsOf = new WeakMap<NamingScheme, ReadonlyMap<string, boolean>>();

function computeRoots(scheme: NamingScheme): Map<string, boolean> {
  const roots = new Map<string, boolean>();
  const generic = new Set(scheme.genericRoots ?? []);
  const around = [scheme.postBn, scheme.postAffine, ...preBnPaths(scheme)].filter((p): p is string => p !== undefined);
  const root = (p: string) => (scheme.moduleRoots === true ? p : p.split(".")[0]!);
  for (const p of around) generic.add(root(p));
  for (const rule of scheme.branches) for (const p of rulePaths(rule)) roots.set(root(p), false);
  for (const p of around) roots.set(root(p), true);
  for (const r of roots.keys()) if (generic.has(r)) roots.set(r, true);
  return roots;
}

/**
 * For a conv path with placeholders (`conv_kxk.{i}.conv`), the indices present under
 * each prefix: one scan of the keys for `<prefix>conv_kxk.<n>.conv.weight`
 * (several placeholders: their digits joined by commas, `"5,2"`).
 * For a plain path, the prefixes whose `<prefix><path>.weight` exists (index `""`).
 */
export function weightPrefixes(names: Iterable<string>, path: string, bare = false): Map<string, string[]> {
  const re = new RegExp(`^(.*\\.)?${pathPattern(path)}${bare ? "" : "\\.weight"}$`);
  const found = new Map<string, string[]>();
  for (const name of names) {
    const m = re.exec(name);
    if (m === null) continue;
    const prefix = m[1] ?? "";
    const list = found.get(prefix) ?? [];
    list.push(m.slice(2).join(","));
    found.set(prefix, list);
  }
  const order = (a: string, b: string) => {
    const x = a.split(",").map(Number);
    const y = b.split(",").map(Number);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  };
  for (const list of found.values()) list.sort(order);
  return found;
}

/** A conv rule's kernel key under its path: `${path}.weight`, or the path itself for a bare parameter. */
export function kernelKey(path: string, bare: boolean | undefined): string {
  return bare === true ? path : `${path}.weight`;
}

/** `${deploy}.weight`, or `weight` when the deploy conv replaces the whole block module (`deploy: ""`). */
export function deployKey(deploy: string, what: "weight" | "bias"): string {
  return deploy === "" ? what : `${deploy}.${what}`;
}
