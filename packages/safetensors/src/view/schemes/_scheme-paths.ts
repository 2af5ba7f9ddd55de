import type { BranchRule, NamingScheme } from "./naming-scheme.js";

/** `a.b` -> `a\.b` for a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A module path as RegExp source, `{i}` capturing the index. */
export function pathPattern(path: string): string {
  return path.split("{i}").map(escapeRegExp).join("(\\d+)");
}

/** Every module path a rule names. */
function rulePaths(rule: BranchRule): string[] {
  if ("conv" in rule) return rule.bn === undefined ? [rule.conv] : [rule.conv, rule.bn];
  if ("identity" in rule) return [rule.identity];
  if ("bareIdentity" in rule) return [rule.bareIdentity];
  if ("sequential" in rule) {
    const s = rule.sequential;
    return [s.first, s.second, s.firstBn, s.secondBn].filter((p): p is string => p !== undefined);
  }
  const a = rule.avgpool;
  return [a.bn, a.conv, a.convBn].filter((p): p is string => p !== undefined);
}

/**
 * The first path segments of a scheme's modules (`rbr_dense`, `bn`), each
 * with whether it is generic (see `NamingScheme.genericRoots`; the post-BN's
 * is always generic): a key under a root "looks like a branch".
 */
export function schemeRoots(scheme: NamingScheme): Map<string, boolean> {
  const roots = new Map<string, boolean>();
  const generic = new Set(scheme.genericRoots ?? []);
  if (scheme.postBn !== undefined) generic.add(scheme.postBn.split(".")[0]!);
  for (const rule of scheme.branches) for (const p of rulePaths(rule)) roots.set(p.split(".")[0]!, false);
  if (scheme.postBn !== undefined) roots.set(scheme.postBn.split(".")[0]!, true);
  for (const r of roots.keys()) if (generic.has(r)) roots.set(r, true);
  return roots;
}

/**
 * For a conv path with `{i}` (`conv_kxk.{i}.conv`), the indices present under
 * each prefix: one scan of the keys for `<prefix>conv_kxk.<n>.conv.weight`.
 * For a plain path, the prefixes whose `<prefix><path>.weight` exists (index `""`).
 */
export function weightPrefixes(names: Iterable<string>, path: string): Map<string, string[]> {
  const re = new RegExp(`^(.*\\.)?${pathPattern(path)}\\.weight$`);
  const found = new Map<string, string[]>();
  for (const name of names) {
    const m = re.exec(name);
    if (m === null) continue;
    const prefix = m[1] ?? "";
    const list = found.get(prefix) ?? [];
    list.push(m[2] ?? "");
    found.set(prefix, list);
  }
  for (const list of found.values()) list.sort((a, b) => Number(a) - Number(b));
  return found;
}
