import { ReparamError } from "@reparam/core";
import { deployKey, isIndexed, kernelKey, pathPattern } from "./schemes/_scheme-paths.js";
import type { BranchRule, NamingScheme } from "./schemes/naming-scheme.js";

/** Prefixes (with trailing dot, or "") under which `key` has the path segment `root`. */
export function rootPrefixes(key: string, root: string): string[] {
  if (isIndexed(root)) {
    // A root with placeholders (UniRepLKNet's `dil_bn_k{k}_{r}`): every segment that fits it.
    const re = new RegExp(`(?:^|\\.)(?=${pathPattern(root)}\\.)`, "g");
    return [...key.matchAll(re)].map((m) => key.slice(0, m.index + m[0].length));
  }
  const out: string[] = [];
  if (key.startsWith(`${root}.`)) out.push("");
  for (let j = key.indexOf(`.${root}.`); j >= 0; j = key.indexOf(`.${root}.`, j + 1)) out.push(key.slice(0, j + 1));
  return out;
}

/** How many keys sit under a scheme's non-generic roots: how much of the file looks like this family. */
export function countTouched(names: Iterable<string>, roots: ReadonlyMap<string, boolean>): number {
  let n = 0;
  for (const key of names) {
    for (const [root, generic] of roots) {
      if (!generic && rootPrefixes(key, root).length > 0) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Each rule's module paths with the key that makes the branch present. */
function ruleAnchors(rule: BranchRule): [string[], string] {
  if ("conv" in rule) return [[rule.conv, rule.bn ?? rule.conv], kernelKey(rule.conv, rule.bare)];
  if ("identity" in rule) return [[rule.identity], `${rule.identity}.running_var`];
  if ("chain" in rule) {
    const first = rule.chain[0];
    const anchor = first.bare === true ? first.conv : `${first.conv}.${first.weight ?? "weight"}`;
    return [rule.chain.flatMap((s) => [s.conv, s.bn ?? s.conv]), anchor];
  }
  if ("bareIdentity" in rule) return [[rule.bareIdentity], "(no key: nn.Identity)"];
  if ("sequential" in rule) {
    const s = rule.sequential;
    return [[s.first, s.second, s.firstBn ?? s.first, s.secondBn ?? s.second], `${s.first}.weight`];
  }
  const a = rule.avgpool;
  return [[a.bn, a.conv ?? a.bn, a.convBn ?? a.bn], `${a.bn}.running_var`];
}

/** Each rule's module paths as patterns of a key under them, with the rule's anchor: made once per scheme. */
const rulePatterns = new WeakMap<NamingScheme, [RegExp[], string][]>();

function patternsOf(scheme: NamingScheme): [RegExp[], string][] {
  let made = rulePatterns.get(scheme);
  if (made === undefined) {
    made = scheme.branches.map((rule) => {
      const [paths, anchor] = ruleAnchors(rule);
      return [paths.map((p) => new RegExp(`^${pathPattern(p)}\\.[A-Za-z0-9_]+$`)), anchor];
    });
    rulePatterns.set(scheme, made);
  }
  return made;
}

/** Why a key under a block is unused: its branch lacks its anchor, or the scheme does not know it. */
function why(scheme: NamingScheme, rest: string): string {
  for (const [patterns, anchor] of patternsOf(scheme)) {
    if (patterns.some((re) => re.test(rest))) {
      return `a key of a branch that is not there: no ${anchor.includes("{i}") ? anchor.replace("{i}", "<i>") : anchor}`;
    }
  }
  return "a key the scheme does not know there (QAT observers, weight norm, another family?)";
}

/** A leftover key that looks like a branch, with the block prefix it is under. */
export interface Leftover {
  readonly prefix: string;
  readonly error: ReparamError;
}

/**
 * Every key must be used by a block or passed through; a key left over that
 * looks like a branch is an error, not silence. A key "looks like a branch"
 * when, after some prefix, it goes on with one of the scheme's roots
 * (`rbr_dense.`): under a block's prefix (any root), or under a prefix that is
 * no block (a distinctive root only: generic ones such as `identity` or `bn`
 * are common elsewhere). One error per prefix (not a `num_batches_tracked` when another key says more).
 *
 * @param blocks - block prefix -> block name.
 * @param others - prefixes that have the main weight but are other modules
 *   (`notABlock`): their keys pass through.
 */
export function findLeftovers(
  names: Iterable<string>,
  used: ReadonlySet<string>,
  blocks: ReadonlyMap<string, string>,
  scheme: NamingScheme,
  roots: ReadonlyMap<string, boolean>,
  has: (key: string) => boolean,
  others: ReadonlySet<string> = new Set(),
): Leftover[] {
  const found = new Map<string, { key: string; error: ReparamError }>();
  const deployWeight = deployKey(scheme.deploy, "weight");
  const mainWeight = kernelKey(scheme.branches[0].conv.replace("{i}", "0"), scheme.branches[0].bare);
  for (const key of names) {
    if (used.has(key)) continue;
    for (const [root, generic] of roots) {
      for (const prefix of rootPrefixes(key, root)) {
        if (others.has(prefix)) continue;
        const seen = found.get(prefix);
        if (seen !== undefined && !seen.key.endsWith(".num_batches_tracked")) continue;
        const block = blocks.get(prefix);
        let error: ReparamError;
        if (block !== undefined) {
          error = new ReparamError(
            "SAFETENSORS_INCOMPLETE_BLOCK",
            "a key under a branch of the block is used by no branch",
            {
              where: `block ${JSON.stringify(block)}, ${JSON.stringify(key)}`,
              expected: `only complete branches of scheme ${scheme.name} under ${JSON.stringify(prefix + root)}`,
              found: why(scheme, key.slice(prefix.length)),
            },
          );
        } else if (generic) continue;
        else if (has(prefix + deployWeight)) {
          error = new ReparamError(
            "SAFETENSORS_MIXED_FORMS",
            "a block has both its train-time and its deploy-time keys",
            {
              where: JSON.stringify(prefix + deployWeight),
              expected: "either the train-time branches or the deploy conv",
              found: `${JSON.stringify(key)} beside it`,
            },
          );
        } else {
          error = new ReparamError(
            "SAFETENSORS_INCOMPLETE_BLOCK",
            "a key looks like part of a block whose main conv is missing",
            {
              where: JSON.stringify(key),
              expected: `${JSON.stringify(prefix + mainWeight)} (the main branch of scheme ${scheme.name}) beside it`,
              found: "no such key",
            },
          );
        }
        found.set(prefix, { key, error });
      }
    }
  }
  return [...found].map(([prefix, { error }]) => ({ prefix, error }));
}
