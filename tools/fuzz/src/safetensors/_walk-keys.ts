import type { BlockSpec, BnSpec, BranchSpec, KernelSpec } from "../block-spec.js";
import type { SchemeLayout } from "./scheme-layouts.js";

/** Called for every float tensor of a block: its key, values and shape; returns the values the block then holds. */
export type KeyVisit = (key: string, values: Float64Array, shape: readonly number[]) => Float64Array;

/** A block walked under a scheme: the spec rebuilt from what `visit` returned, and its BN modules (for `num_batches_tracked`). */
export interface WalkedBlock {
  readonly spec: BlockSpec;
  readonly bnModules: readonly string[];
}

/** I[i, i mod (C/g)] of a 1x1 kernel [M, C/g, 1, 1] with M == C: DBB's IdentityBasedConv1x1. */
function identity1x1(k: KernelSpec): Float64Array {
  const [m, per] = k.shape;
  const eye = new Float64Array(m * per);
  for (let i = 0; i < m; i++) eye[i * per + (i % per)] = 1;
  return eye;
}

class Walk {
  readonly bnModules: string[] = [];
  constructor(
    readonly prefix: string,
    readonly visit: KeyVisit,
  ) {}

  kernel(module: string, k: KernelSpec, eye?: Float64Array): KernelSpec {
    if (eye === undefined)
      return { data: this.visit(`${this.prefix}${module}.weight`, k.data, k.shape), shape: k.shape };
    // The file holds weight = kernel - I; the block computes with weight + I.
    const stored = this.visit(
      `${this.prefix}${module}.weight`,
      k.data.map((v, i) => v - eye[i]!),
      k.shape,
    );
    return { data: stored.map((v, i) => v + eye[i]!), shape: k.shape };
  }

  vector(key: string, v: Float64Array): Float64Array {
    return this.visit(`${this.prefix}${key}`, v, [v.length]);
  }

  bn(module: string, b: BnSpec): BnSpec {
    this.bnModules.push(`${this.prefix}${module}`);
    const v = (name: string, a: Float64Array) => this.vector(`${module}.${name}`, a);
    return {
      gamma: v("weight", b.gamma),
      beta: v("bias", b.beta),
      mean: v("running_mean", b.mean),
      variance: v("running_var", b.variance),
      eps: b.eps,
    };
  }

  stage<S extends { kernel: KernelSpec; bias?: Float64Array; bn?: BnSpec }>(
    conv: string,
    bn: string | undefined,
    s: S,
    eye?: Float64Array,
  ): S {
    return {
      ...s,
      kernel: this.kernel(conv, s.kernel, eye),
      ...(s.bias === undefined ? {} : { bias: this.vector(`${conv}.bias`, s.bias) }),
      ...(s.bn === undefined || bn === undefined ? {} : { bn: this.bn(bn, s.bn) }),
    };
  }
}

function branch(w: Walk, layout: SchemeLayout, b: BranchSpec, idFirst: boolean): BranchSpec | string {
  const keys = layout.roleKeys(b.role);
  const no = `scheme ${layout.scheme} has no ${b.kind} branch '${b.role}'`;
  if (keys === undefined) return no;
  switch (b.kind) {
    case "conv":
      if (keys.kind !== "conv") return no;
      if ((b.bn === undefined) !== (keys.bn === undefined))
        return `'${b.role}' ${b.bn === undefined ? "has no BN" : "has a BN"}, scheme ${layout.scheme} says otherwise`;
      return w.stage(keys.conv, keys.bn, b);
    case "identity":
      if (keys.kind === "bare-identity")
        return b.bn === undefined ? b : `scheme ${layout.scheme}'s identity is bare, this one has a BN`;
      if (keys.kind !== "identity" || b.bn === undefined) return no;
      return { ...b, bn: w.bn(keys.bn, b.bn) };
    case "avgpool":
      if (keys.kind !== "avg" || b.bn === undefined) return no;
      return { ...b, bn: w.bn(keys.bn, b.bn) };
    case "sequential": {
      if (b.first.bn === undefined || b.first.bias !== undefined) return "BNAndPad needs a BN and a bias-free 1x1";
      if (b.second !== undefined && keys.kind === "sequential" && b.second.bn !== undefined) {
        const [m, per] = b.first.kernel.shape;
        const eye = idFirst && m === per * b.groups ? identity1x1(b.first.kernel) : undefined;
        const first = w.stage(eye === undefined ? keys.first : keys.idFirst, keys.firstBn, b.first, eye);
        return { ...b, first, second: w.stage(keys.second, keys.secondBn, b.second) };
      }
      if (b.pool !== undefined && keys.kind === "avg" && b.pool.bn !== undefined) {
        return {
          ...b,
          first: w.stage(keys.conv, keys.convBn, b.first),
          pool: { ...b.pool, bn: w.bn(keys.bn, b.pool.bn) },
        };
      }
      return no;
    }
  }
}

/**
 * Walks every float tensor a block has in a state dict under `layout`, keys
 * prefixed by `prefix` (`idFirst`: DBB's 1x1 -> kxk as `idconv1` where it
 * can be), or says why the scheme cannot hold the block. Writing and reading
 * a state dict both go through here, so that they agree on every key.
 */
export function walkKeys(
  spec: BlockSpec,
  layout: SchemeLayout,
  prefix: string,
  idFirst: boolean,
  visit: KeyVisit,
): WalkedBlock | string {
  if (!layout.families.includes(spec.family)) return `scheme ${layout.scheme} is not for ${spec.family} blocks`;
  if ((spec.postBn === undefined) !== (layout.postBn === undefined))
    return `scheme ${layout.scheme} ${layout.postBn === undefined ? "has no" : "needs a"} post-sum BN`;
  const w = new Walk(prefix, visit);
  const branches: BranchSpec[] = [];
  for (const b of spec.branches) {
    const r = branch(w, layout, b, idFirst);
    if (typeof r === "string") return r;
    branches.push(r);
  }
  const post = spec.postBn === undefined ? {} : { postBn: w.bn(layout.postBn!, spec.postBn) };
  return { spec: { ...spec, branches, ...post }, bnModules: w.bnModules };
}
