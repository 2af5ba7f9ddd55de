import { ReparamError, isReparamError } from "@reparam/core";
import { batchNormKeyList } from "./_batch-norm-keys.js";
import { blockShapes } from "./_block-shapes.js";
import { findLeftovers } from "./_check-leftovers.js";
import { type RawBlock, type RawConv, matchBranches } from "./_match-branches.js";
import { deployKey, fillPath, isIndexed, kernelKey, schemeRoots, weightPrefixes } from "./schemes/_scheme-paths.js";
import { notABlock } from "./_not-a-block.js";
import { linkShared } from "./_link-shared.js";
import { scanVariants } from "./_scan-variants.js";
import { schemePresent } from "./_scheme-present.js";
import type { BlockMatch, ConvKeys } from "./block-match.js";
import type { NamingScheme } from "./schemes/naming-scheme.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/** Options of {@link matchScheme}. */
export interface MatchSchemeOptions {
  /** Keep the post-sum BatchNorm (QARepVGG `bn`) as it is, for QAT, instead of folding it. */
  readonly keepPostBn?: boolean;
  /** True for blocks known to have stride != 1: no bare identity is assumed there. */
  readonly strided?: (blockName: string) => boolean;
  /** Scan even when no key holds the scheme's main path or a distinctive root (`schemePresent`): tests compare the two. */
  readonly scanAbsent?: boolean;
}

function convKeys(c: RawConv): string[] {
  return [c.weight, ...(c.bias === undefined ? [] : [c.bias]), ...batchNormKeyList(c.bn)];
}

function rawKeys(raw: RawBlock): string[] {
  const keys = raw.branches.flatMap((b) => {
    if (b.kind === "conv") return convKeys(b.conv);
    if (b.kind === "identity") return batchNormKeyList(b.bn);
    if (b.kind === "sequential") return [...convKeys(b.first), ...convKeys(b.second)];
    if (b.kind === "avgpool") return [...batchNormKeyList(b.bn), ...(b.conv === undefined ? [] : convKeys(b.conv))];
    if (b.kind === "chain")
      return b.stages.flatMap((s) => [
        ...convKeys(s),
        ...(s.scale === undefined ? [] : [s.scale]),
        ...(s.plus === undefined ? [] : [s.plus]),
      ]);
    return [];
  });
  // One scale may apply to several branches (RepMixer's layer scale): each scale key once.
  const scales = new Set(
    raw.branches.flatMap((b) => ("scale" in b && b.scale?.key !== undefined ? [b.scale.key] : [])),
  );
  const affine = raw.postAffine === undefined ? [] : [raw.postAffine.scale, raw.postAffine.bias];
  return [...(raw.preBn ?? []).flatMap(batchNormKeyList), ...keys, ...scales, ...affine];
}

/**
 * Finds every block of one naming scheme in a state dict, from names, dtypes
 * and shapes alone (no tensor is read): each key ending in the first rule's
 * `.weight` makes a block whose prefix is what precedes it; the other rules
 * are looked up under that prefix. Keys left over that look like branches
 * are errors (see `findLeftovers`).
 *
 * @param tensors - every tensor of the state dict (all shards), by name.
 * @returns the blocks, in the order of their main weight in `tensors`.
 * @throws ReparamError `SAFETENSORS_INCOMPLETE_BLOCK`, `SAFETENSORS_AMBIGUOUS_BLOCK`,
 *   `SAFETENSORS_SHAPE_MISMATCH`, `SAFETENSORS_MIXED_FORMS`, `SAFETENSORS_UNSUPPORTED_DTYPE`.
 */
export function matchScheme(
  tensors: ReadonlyMap<string, TensorInfo>,
  scheme: NamingScheme,
  options: MatchSchemeOptions = {},
): BlockMatch[] {
  const scan = scanScheme(tensors, scheme, options);
  if (scan.errors[0] !== undefined) throw scan.errors[0].error;
  return scan.blocks;
}

/** What {@link scanScheme} finds: the blocks that match cleanly, and the errors of the others (by block prefix). */
export interface SchemeScan {
  readonly blocks: BlockMatch[];
  readonly errors: { readonly prefix: string; readonly error: ReparamError }[];
}

/** {@link matchScheme} that collects one error per broken block instead of throwing the first. */
export function scanScheme(
  tensors: ReadonlyMap<string, TensorInfo>,
  scheme: NamingScheme,
  options: MatchSchemeOptions = {},
): SchemeScan {
  if (scheme.variants !== undefined && scheme.variants.length > 0)
    return linkShared(scanVariants(tensors, scheme, (form) => scanScheme(tensors, form, options)));
  if (options.scanAbsent !== true && !schemePresent(tensors, scheme)) return { blocks: [], errors: [] };
  const has = (k: string) => tensors.has(k);
  const info = (k: string) => tensors.get(k) as TensorInfo;
  const indexed = scheme.branches.map((rule) =>
    "conv" in rule && isIndexed(rule.conv) ? weightPrefixes(tensors.keys(), rule.conv, rule.bare) : undefined,
  );
  const prefixes = indexed[0] ?? weightPrefixes(tensors.keys(), scheme.branches[0].conv, scheme.branches[0].bare);
  const deploy = { weight: deployKey(scheme.deploy, "weight"), bias: deployKey(scheme.deploy, "bias") };
  const claims = new Map<string, string>();
  // Keys of a shared pre-BN: read by several blocks, claimed by none.
  const readTogether = new Set<string>();
  const blocks: BlockMatch[] = [];
  const errors: SchemeScan["errors"] = [];
  const names = new Map<string, string>();
  const matchBlock = (prefix: string, name: string): BlockMatch => {
    const mainPath = fillPath(scheme.branches[0].conv, prefixes.get(prefix)![0]!);
    // A stale deploy conv (SPAN's eval_conv) is replaced: its keys are consumed, never read.
    const stale = scheme.staleDeploy === true ? [deploy.weight, deploy.bias].map((k) => prefix + k).filter(has) : [];
    for (const k of [deploy.weight, deploy.bias]) {
      // UniRepLKNet's deploy conv keeps the main conv's name: those keys are the train-time ones.
      if (
        scheme.staleDeploy !== true &&
        has(prefix + k) &&
        kernelKey(mainPath, scheme.branches[0].bare) !== k &&
        `${mainPath}.bias` !== k
      ) {
        throw new ReparamError("SAFETENSORS_MIXED_FORMS", "a block has both its train-time and its deploy-time keys", {
          where: `block ${JSON.stringify(name)}`,
          expected: "either the train-time branches or the deploy conv",
          found: `${JSON.stringify(prefix + mainPath)}.weight and ${JSON.stringify(prefix + k)}`,
        });
      }
    }
    const raw = matchBranches(
      scheme,
      prefix,
      indexed.map((m) => (m === undefined ? undefined : (m.get(prefix) ?? []))),
      has,
      name,
    );
    const shapes = blockShapes(raw, info, name, options.strided?.(name) ?? false);
    const postKeys = batchNormKeyList(raw.postBn);
    const keep = options.keepPostBn === true;
    const consumed = [...rawKeys(raw), ...(keep ? [] : postKeys), ...stale];
    const shared = new Set<string>(scheme.sharedPreBn === true ? (raw.preBn ?? []).flatMap(batchNormKeyList) : []);
    for (const k of [...consumed, ...(keep ? postKeys : [])]) {
      if (shared.has(k)) {
        readTogether.add(k);
        continue;
      }
      const other = claims.get(k);
      if (other !== undefined) {
        throw new ReparamError("SAFETENSORS_AMBIGUOUS_BLOCK", "a key would be used by two branches", {
          where: JSON.stringify(k),
          expected: "each key in one branch of one block (one form of each branch)",
          found:
            other === name
              ? `used twice in block ${JSON.stringify(name)}`
              : `used by blocks ${JSON.stringify(other)} and ${JSON.stringify(name)}`,
        });
      }
      claims.set(k, name);
    }
    const post = raw.postBn !== undefined && !keep ? { postBn: raw.postBn } : {};
    const pre = raw.preBn === undefined ? {} : { preBn: raw.preBn };
    const affine = raw.postAffine === undefined ? {} : { postAffine: raw.postAffine };
    // A kept post-sum BatchNorm sits between the conv and the affine: the affine cannot go into the conv.
    const between =
      keep && raw.postBn !== undefined && raw.postAffine !== undefined
        ? {
            refusal: {
              reason: "FORMAT_UNSUPPORTED" as const,
              message: `${JSON.stringify(raw.postAffine.scale)}: the affine after the kept post-sum BatchNorm cannot be folded into the conv (keepPostBn)`,
            },
          }
        : {};
    const first = shapes.branches[0] as { conv: ConvKeys };
    return {
      name,
      prefix,
      scheme,
      ...shapes,
      ...post,
      ...affine,
      ...pre,
      ...(shared.size === 0 ? {} : { shared: { keys: [...shared], by: [] } }),
      ...between,
      ...(first.conv.linear === true ? { linear: true } : {}),
      consumed,
      kept: keep ? postKeys : [],
      deploy: { weight: prefix + deploy.weight, bias: prefix + deploy.bias },
      anchor: first.conv.weight,
    };
  };
  const deployed = new Set<string>();
  const others = new Set<string>();
  for (const prefix of prefixes.keys()) {
    const skip = notABlock(scheme, prefix, fillPath(scheme.branches[0].conv, prefixes.get(prefix)![0]!), has, info);
    // An already fused block's keys are not leftovers, nor are another module's.
    if (skip === "fused") for (const k of [deploy.weight, deploy.bias]) deployed.add(prefix + k);
    if (skip === "other") others.add(prefix);
    if (skip !== undefined) continue;
    const name = prefix === "" ? "(root)" : prefix.slice(0, -1);
    names.set(prefix, name);
    try {
      blocks.push(matchBlock(prefix, name));
    } catch (error) {
      if (!isReparamError(error)) throw error;
      errors.push({ prefix, error });
    }
  }
  const broken = new Set(errors.map((e) => e.prefix));
  const leftovers = findLeftovers(
    tensors.keys(),
    new Set([...claims.keys(), ...readTogether, ...deployed]),
    names,
    scheme,
    schemeRoots(scheme),
    has,
    others,
  );
  errors.push(...leftovers.filter((l) => !broken.has(l.prefix)));
  const bad = new Set(errors.map((e) => e.prefix));
  return linkShared({ blocks: blocks.filter((b) => !bad.has(b.prefix)), errors });
}
