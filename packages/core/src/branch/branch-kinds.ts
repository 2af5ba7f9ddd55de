import type { KernelBias } from "../algebra/fold-batch-norm.js";
import type { Branch } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";
import type { FusePlan, Placement } from "../block/fuse-plan.js";
import type { BranchAccumulator } from "../engine/branch-accumulator.js";
import { avgPoolKind } from "./avgpool/avgpool-kind.js";
import type { BranchKind } from "./branch-kind.js";
import { convKind } from "./conv/conv-kind.js";
import { identityKind } from "./identity/identity-kind.js";
import { sequentialKind } from "./sequential/sequential-kind.js";

/** The one dispatch on a branch's kind: a new kind is a new folder and a line here. */
const KINDS: { readonly [T in Branch["kind"]]: BranchKind<T> } = {
  conv: convKind,
  identity: identityKind,
  sequential: sequentialKind,
  avgpool: avgPoolKind,
};

/**
 * The rules of a branch's kind. Typed for the union: each kind's functions
 * are only ever called with a branch of that kind (the table is keyed by it).
 */
export function kindOf<K extends KernelShape>(b: Branch<K>): BranchKind<Branch["kind"]> {
  return KINDS[b.kind] as BranchKind<Branch["kind"]>;
}

/** Output channels of a branch. */
export function branchOutChannels(b: Branch<KernelShape>, inChannels: number): number {
  return kindOf(b).outChannels(b, inChannels);
}

/**
 * The accumulator of one branch of a planned block.
 *
 * @param rowBase - the first output channel the branch's kernels hold (a
 *   window of rows; 0: all of them).
 */
export function branchAccumulator(
  b: Branch,
  p: Placement,
  plan: FusePlan,
  where: string,
  rowBase = 0,
): BranchAccumulator {
  return kindOf(b).accumulator(b, p, plan, where, rowBase);
}

/**
 * One branch as a float64 kernel + bias over `channels` input channels, with
 * its own groups (`groups` for identity and avg-pool, which fit any).
 */
export function branchKernel(branch: Branch, channels: number, groups: number, where: string): KernelBias {
  return kindOf(branch).kernel(branch, channels, groups, where);
}
