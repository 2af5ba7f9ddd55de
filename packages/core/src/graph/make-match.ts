import type { Candidate } from "../contract/adapter.js";
import type { Block, Branch } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";
import { planBlock } from "../block/plan-block.js";
import { branchOutChannels, kindOf } from "../branch/branch-kinds.js";
import { isReparamError } from "../contract/reparam-error.js";
import { refusal, type Refusal } from "../block/refusal.js";
import { branchLayout, parseChannels, type BranchLayout } from "./branch-layout.js";
import { classifyFamily } from "./classify-family.js";
import { composeAffine } from "./compose-affine.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import type { AffineNode, BranchParse } from "./parse-branch.js";

/** A block found in a graph: what to fuse, what to remove, where the fused conv goes. */
export interface GraphBlockMatch {
  readonly candidate: Candidate;
  /** The block's input X: the fused conv reads it. */
  readonly input: string;
  /** The tensor the block produces (sum, or post-BN): the fused conv takes this name. */
  readonly output: string;
  /** Every node the fused conv replaces. */
  readonly nodes: readonly GraphNodeView[];
  /**
   * BatchNorm / affine nodes this block folds as its pre-BN together with
   * the other blocks of its group (`Candidate.group`; see `preBnBlocks`):
   * the writer removes them and has their readers read their inputs. Every
   * block of the group lists the same nodes; the group fuses whole or not at all.
   */
  readonly bypass?: readonly GraphNodeView[];
}

/**
 * The input channels of branches `parses` over `input`, or undefined when
 * they are not a block after all: nothing says the channel count (a bare
 * x + x), or they are only identities over a tensor not known to be an
 * image (no spatial size: x + BN(x) may sum a Dense layer's output).
 */
export function blockChannels(view: GraphView, input: string, parses: readonly BranchParse[]): number | undefined {
  const channels = parses.map(parseChannels).find((c) => c !== undefined);
  if (channels === undefined) return undefined;
  if (parses.every((p) => p.kind === "identity") && view.spatialSize(input) === undefined) return undefined;
  return channels;
}

/**
 * The candidate for branches `parses` over `input` with `channels` input
 * channels (see {@link blockChannels}), the post-sum chain `post` and the
 * chain `pre` before every branch (the block's pre-BN):
 * layouts from shapes and BNs, kernels loaded on demand. Its id is
 * `output` (a tensor name, unique in the graph); its family is `family` when
 * given (what the layout cannot tell: a constant affine composes into the
 * same BatchNorm form a BN has), else {@link classifyFamily}'s. Returns a refusal
 * when a branch cannot be laid out (pads unknown, BN vectors of the wrong
 * length...).
 */
export async function makeMatch(
  view: GraphView,
  name: string,
  input: string,
  output: string,
  nodes: readonly GraphNodeView[],
  parses: readonly BranchParse[],
  post: readonly AffineNode[],
  channels: number,
  pre: readonly AffineNode[] = [],
  family?: string,
): Promise<GraphBlockMatch | Refusal> {
  const layouts: BranchLayout[] = [];
  let postBn: Awaited<ReturnType<typeof composeAffine>>;
  let preBn: Awaited<ReturnType<typeof composeAffine>>;
  try {
    for (const p of parses) {
      const l = await branchLayout(view, p, channels);
      if ("reason" in l) return refusal(name, l.reason, l.message, output);
      layouts.push(l);
    }
    // The post-sum chain scales the sum: the branches' output channels, which differ from X's when a block widens.
    postBn = await composeAffine(post, branchOutChannels(layouts[0]!.branch, channels));
    preBn = await composeAffine(pre, channels);
  } catch (e) {
    if (isReparamError(e) && e.code === "CORE_AFFINE_CHANNELS")
      return refusal(name, "CHANNEL_MISMATCH", e.message, output);
    throw e;
  }
  const size = view.spatialSize(input);
  const general: Block<KernelShape> = {
    name,
    inChannels: channels,
    branches: layouts.map((l) => l.branch),
    ...(postBn ? { postBn } : {}),
    ...(preBn ? { preBn } : {}),
  };
  // Tie the block to its input size only when the branches line up at that size alone
  // (SAME at stride 2): otherwise the fused pads stay the ones that hold for every size.
  // The candidate carries the plan of the layout it keeps, so nobody plans it again.
  const planned = planBlock(general);
  const sized: Block<KernelShape> | undefined =
    size === undefined || planned.ok ? undefined : { ...general, inputSize: size };
  const layout = sized ?? general;
  const plan = sized === undefined ? planned : planBlock(sized);
  const load = async (): Promise<Block> => {
    const branches = await Promise.all(
      layouts.map(async ({ branch, kernels }): Promise<Branch> => {
        const data = await Promise.all(kernels.map((k) => k.values()));
        return kindOf(branch).withData(branch, data);
      }),
    );
    return { ...layout, branches };
  };
  // Kernels stored in TF's layout can also be handed over as stored, for blocks of conv branches alone (and identities).
  const hwio = layouts.every(
    (l) =>
      (l.branch.kind === "conv" && l.kernels.every((k) => k.hwioValues !== undefined)) || l.branch.kind === "identity",
  );
  const loadHwio = async (): Promise<Block> => {
    const branches = await Promise.all(
      layouts.map(
        async ({ branch, kernels }): Promise<Branch> =>
          branch.kind === "conv"
            ? { ...branch, kernel: { data: await kernels[0]!.hwioValues!(), shape: branch.kernel.shape } }
            : (branch as Branch),
      ),
    );
    return { ...layout, branches };
  };
  const candidate: Candidate = {
    name,
    id: output,
    family: family ?? classifyFamily(layout),
    layout,
    plan,
    load,
    ...(hwio ? { loadHwio } : {}),
  };
  return { candidate, input, output, nodes };
}
