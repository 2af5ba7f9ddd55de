import { ReparamError } from "@reparam/core";
import { batchNormKeys } from "./_batch-norm-keys.js";
import { fillPath, kernelKey, placeholderValue, preBnPaths } from "./schemes/_scheme-paths.js";
import type { AffineKeys, BatchNormKeys, ScaleKeys } from "./block-match.js";
import type { BranchRule, BranchScale, ChainRule, ChainStageRule, NamingScheme } from "./schemes/naming-scheme.js";

/** A conv's keys before shapes are looked at. */
export interface RawConv {
  readonly weight: string;
  readonly bias?: string;
  readonly bn?: BatchNormKeys;
  readonly identityBased?: boolean;
  readonly linear?: boolean;
}

/** A branch's keys before shapes are looked at. */
export type RawBranch =
  | {
      readonly kind: "conv";
      readonly conv: RawConv;
      /** Kernel size and dilation the key's name gives (`dil_conv_k5_2`). */
      readonly named?: { readonly k?: number; readonly r?: number };
      readonly scale?: ScaleKeys;
    }
  | { readonly kind: "identity"; readonly bn: BatchNormKeys; readonly scale?: ScaleKeys }
  | { readonly kind: "bareIdentity"; readonly always?: boolean; readonly scale?: ScaleKeys }
  | { readonly kind: "sequential"; readonly first: RawConv; readonly second: RawConv }
  | { readonly kind: "avgpool"; readonly bn: BatchNormKeys; readonly conv?: RawConv }
  | { readonly kind: "chain"; readonly stages: readonly RawChainStage[]; readonly scale?: ScaleKeys };

/** One conv of a chain: its keys, the key of a factor on its output, of a tensor added to its kernel, its layout. */
export interface RawChainStage extends RawConv {
  readonly scale?: string;
  readonly plus?: string;
  readonly kernelOf?: "hw" | "ohw";
}

/** What the keys under one block prefix say, rule by rule. */
export interface RawBlock {
  readonly branches: readonly RawBranch[];
  readonly postBn?: BatchNormKeys;
  readonly postAffine?: AffineKeys;
  /** The pre-BNs present, in the order they apply. */
  readonly preBn?: readonly BatchNormKeys[];
}

function incomplete(block: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_INCOMPLETE_BLOCK", "a branch of the block is incomplete", {
    where: `block ${JSON.stringify(block)}, ${JSON.stringify(where)}`,
    expected,
    found,
  });
}

/** A conv at `path` whose weight exists; its BN (when the rule names one) must too. A bare parameter has no bias. */
function convAt(
  has: (k: string) => boolean,
  path: string,
  bnPath: string | undefined,
  block: string,
  bare?: boolean,
): RawConv {
  const weight = kernelKey(path, bare);
  const bias = bare !== true && has(`${path}.bias`) ? { bias: `${path}.bias` } : {};
  if (bnPath === undefined) return { weight, ...bias };
  const bn = batchNormKeys(has, bnPath, block);
  if (bn === undefined) throw incomplete(block, bnPath, `the BatchNorm that follows ${path}`, "none of its keys");
  return { weight, ...bias, bn };
}

/** The rule's factor under this prefix: its key when present; required ones must be. */
function scaleOf(rule: BranchScale, prefix: string, has: (k: string) => boolean, block: string): { scale?: ScaleKeys } {
  const negate = rule.negate === true;
  const key = rule.scale === undefined ? undefined : prefix + rule.scale;
  const row = rule.scaleRow === undefined ? {} : { row: rule.scaleRow };
  if (key !== undefined && has(key)) return { scale: { key, negate, ...row } };
  if (key !== undefined && rule.scaleRequired === true)
    throw incomplete(block, key, "the scale this family always has", "no such key");
  return negate ? { scale: { negate } } : {};
}

function matchRule(
  rule: BranchRule,
  prefix: string,
  indices: readonly string[] | undefined,
  has: (k: string) => boolean,
  block: string,
): RawBranch[] {
  const p = (path: string) => prefix + path;
  if ("conv" in rule) {
    const at = indices ?? [""];
    const linear = rule.linear === true ? { linear: true } : {};
    return at
      .filter((i) => has(p(kernelKey(fillPath(rule.conv, i), rule.bare))))
      .map((i) => {
        const k = placeholderValue(rule.conv, i, "k");
        const r = placeholderValue(rule.conv, i, "r") ?? rule.dilation;
        const conv = convAt(
          has,
          p(fillPath(rule.conv, i)),
          rule.bn === undefined ? undefined : p(fillPath(rule.bn, i)),
          block,
          rule.bare,
        );
        return {
          kind: "conv",
          conv: { ...conv, ...linear },
          ...(k === undefined && r === undefined
            ? {}
            : { named: { ...(k === undefined ? {} : { k }), ...(r === undefined ? {} : { r }) } }),
          ...scaleOf(rule, prefix, has, block),
        };
      });
  }
  if ("identity" in rule) {
    const bn = batchNormKeys(has, p(rule.identity), block);
    return bn === undefined ? [] : [{ kind: "identity", bn, ...scaleOf(rule, prefix, has, block) }];
  }
  if ("bareIdentity" in rule)
    return [
      { kind: "bareIdentity", ...(rule.always === true ? { always: true } : {}), ...scaleOf(rule, prefix, has, block) },
    ];
  if ("chain" in rule) return chainAt(rule, prefix, has, block);
  if ("sequential" in rule) {
    const s = rule.sequential;
    if (!has(`${p(s.first)}.weight`)) return [];
    const first = {
      ...convAt(has, p(s.first), s.firstBn === undefined ? undefined : p(s.firstBn), block),
      ...(s.identityBased === true ? { identityBased: true } : {}),
    };
    if (!has(`${p(s.second)}.weight`))
      throw incomplete(block, `${p(s.second)}.weight`, `the kxk conv after ${p(s.first)}`, "no such key");
    return [
      {
        kind: "sequential",
        first,
        second: convAt(has, p(s.second), s.secondBn === undefined ? undefined : p(s.secondBn), block),
      },
    ];
  }
  const a = rule.avgpool;
  const bn = batchNormKeys(has, p(a.bn), block);
  if (bn === undefined) return [];
  const conv =
    a.conv !== undefined && has(`${p(a.conv)}.weight`)
      ? { conv: convAt(has, p(a.conv), a.convBn === undefined ? undefined : p(a.convBn), block) }
      : {};
  return [{ kind: "avgpool", bn, ...conv }];
}

/** A chain conv's key for a parameter (`${conv}.${name}`; a bare conv's kernel is the path itself). */
function stageKey(s: ChainStageRule, prefix: string, name: string | undefined, fallback: string): string {
  return s.bare === true && fallback === "weight" ? prefix + s.conv : `${prefix}${s.conv}.${name ?? fallback}`;
}

/** A chain's keys: none when its first kernel is absent; else every conv's kernel and BatchNorm must be there. */
function chainAt(rule: ChainRule, prefix: string, has: (k: string) => boolean, block: string): RawBranch[] {
  if (!has(stageKey(rule.chain[0], prefix, rule.chain[0].weight, "weight"))) return [];
  const stages = rule.chain.map((s, i): RawChainStage => {
    const weight = stageKey(s, prefix, s.weight, "weight");
    if (!has(weight)) throw incomplete(block, weight, `conv ${i + 1} of the chain`, "no such key");
    const bias = stageKey(s, prefix, s.bias, "bias");
    const scale = s.scale === undefined ? undefined : `${prefix}${s.conv}.${s.scale}`;
    const plus = s.plus === undefined ? undefined : prefix + s.plus;
    for (const [k, what] of [
      [scale, "the factor on the conv's output"],
      [plus, "the tensor added to the kernel"],
    ] as const)
      if (k !== undefined && !has(k)) throw incomplete(block, k, what, "no such key");
    const bn = s.bn === undefined ? undefined : batchNormKeys(has, prefix + s.bn, block);
    if (s.bn !== undefined && bn === undefined)
      throw incomplete(block, prefix + s.bn, `the BatchNorm that follows ${prefix}${s.conv}`, "none of its keys");
    return {
      weight,
      ...(s.bare !== true && has(bias) ? { bias } : {}),
      ...(bn === undefined ? {} : { bn }),
      ...(scale === undefined ? {} : { scale }),
      ...(plus === undefined ? {} : { plus }),
      ...(s.kernelOf === undefined ? {} : { kernelOf: s.kernelOf }),
    };
  });
  return [{ kind: "chain", stages, ...scaleOf(rule, prefix, has, block) }];
}

/** The post-sum affine's keys when the block has them (both, or neither). */
function affineAt(
  path: string | undefined,
  prefix: string,
  has: (k: string) => boolean,
  block: string,
): AffineKeys | undefined {
  if (path === undefined) return undefined;
  const scale = `${prefix}${path}.scale`;
  const bias = `${prefix}${path}.bias`;
  if (!has(scale) && !has(bias)) return undefined;
  if (!has(scale) || !has(bias))
    throw incomplete(block, prefix + path, "the affine's scale and bias", `only ${has(scale) ? scale : bias}`);
  return { scale, bias };
}

/** The rule's own marker, for "required branch missing" messages. */
function ruleName(rule: BranchRule): string {
  if ("conv" in rule) return kernelKey(rule.conv, rule.bare);
  if ("identity" in rule) return `${rule.identity}.running_var`;
  if ("sequential" in rule) return `${rule.sequential.first}.weight`;
  if ("chain" in rule) return stageKey(rule.chain[0], "", rule.chain[0].weight, "weight");
  if ("avgpool" in rule) return `${rule.avgpool.bn}.running_var`;
  return rule.bareIdentity;
}

/**
 * Reads, rule by rule, which branches a block has from the keys under its
 * prefix (names only). A branch is there when its own weight is (its BN for
 * identity and average-pool branches); once there, all its parts must be.
 *
 * @param indices - per rule, the placeholder indices found under this prefix (conv rules with `{i}`, `{k}`, `{r}`).
 * @throws ReparamError `SAFETENSORS_INCOMPLETE_BLOCK`.
 */
export function matchBranches(
  scheme: NamingScheme,
  prefix: string,
  indices: readonly (readonly string[] | undefined)[],
  has: (k: string) => boolean,
  block: string,
): RawBlock {
  const branches: RawBranch[] = [];
  scheme.branches.forEach((rule, r) => {
    const found = matchRule(rule, prefix, indices[r], has, block);
    const required = r === 0 || ("required" in rule && rule.required === true);
    if (found.length === 0 && required)
      throw incomplete(block, prefix + ruleName(rule), "this branch, which the family always has", "no such key");
    branches.push(...found);
  });
  const around = (path: string | undefined) =>
    path === undefined ? undefined : batchNormKeys(has, prefix + path, block);
  const postBn = around(scheme.postBn);
  const preBn = preBnPaths(scheme).flatMap((p) => around(p) ?? []);
  const postAffine = affineAt(scheme.postAffine, prefix, has, block);
  return {
    branches,
    ...(postBn === undefined ? {} : { postBn }),
    ...(postAffine === undefined ? {} : { postAffine }),
    ...(preBn.length === 0 ? {} : { preBn }),
  };
}
