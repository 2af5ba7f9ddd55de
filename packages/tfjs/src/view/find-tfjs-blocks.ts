import {
  matchBlocks,
  matchOptions,
  type Block,
  type Candidate,
  type ConvertOptions,
  type GraphView,
  type Refusal,
} from "@reparam/core";
import { float32Pool, poolBudget } from "../codec/_float32-pool.js";
import { graphModelView } from "./_graph-view.js";
import { layersView } from "./_layers-view.js";
import { isLinearBias } from "./_linear-bias.js";
import { isKernelWeight } from "./_weight-const.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

/** Where a block sits in a TF.js model, in the ids of its graph view. */
export interface TfjsBlockSite {
  /** The tensor the fused conv reads (a layer output `layer` / `layer:node:tensor`, or a node output `node` / `node:k`). */
  readonly input: string;
  /** The tensor the block produces; its readers are rewired to the fused conv. */
  readonly output: string;
  /** Ids of the nodes the fused conv replaces: layer names (layers models) or node names (graph models). */
  readonly nodes: readonly string[];
  /**
   * The BatchNorms folded into this block and the others of its group
   * (`Candidate.group`; graph models): each goes, its readers read its input.
   */
  readonly bypass?: readonly BypassedNode[];
}

/** A node a group's blocks fold as their pre-BN: its NodeDefs (a Mul and its Add), the tensor it reads and makes. */
export interface BypassedNode {
  readonly nodes: readonly string[];
  readonly input: string;
  readonly output: string;
}

/** A core {@link Candidate} that also says where the block is, for {@link tfjsAdapter}'s encode. */
export interface TfjsCandidate extends Candidate {
  readonly site: TfjsBlockSite;
  /**
   * Gives back a block from this candidate's `load()` once it is no longer
   * used: its kernel arrays are reused by the next `load()` of a candidate of
   * the same {@link findTfjsBlocks} call, so that big models do not fault in
   * fresh memory block after block. Optional; never call it on a block still
   * in use (arrays it did not lend are ignored).
   */
  recycle(block: Block): void;
}

/**
 * Finds re-parameterizable blocks in a TF.js model with core's matcher, over
 * a view of its Keras layers or GraphDef nodes, with the matcher's own
 * refusals (blocks whose fused conv TF.js cannot express are refused by the
 * adapter's `canWrite`, see `tfjsCanWrite`). Sums of
 * identity branches only (x + BN(x)) are kept only over tensors known to be
 * NHWC, since a Dense output can be summed the same way; a Linear and
 * the constant it adds (MatMul + BiasAdd) are not a block. In graph models
 * a BatchNorm before several Linears / convs, or before them through layout
 * ops (Next-ViT's norm1 on tokens), folds into each (core's pre-BN sinking,
 * `site.bypass`); such a group is kept whole or left whole.
 */
export async function findTfjsBlocks(
  model: TfjsModel,
  options: ConvertOptions = {},
): Promise<{ candidates: TfjsCandidate[]; refused: Refusal[] }> {
  // New arrays sized for the largest kernel: each maps only what it is used for, once. Free ones are
  // kept by the bytes they touched, not by count: a DBB block lends about ten at once, and a pool that
  // kept four made six new ones per block (DBB-A0 peak RSS 228-237 -> 149-151 MiB on one thread).
  const largest = Math.max(0, ...model.weights.filter(isKernelWeight).map((w) => w.shape.reduce((a, b) => a * b, 1)));
  const pool = float32Pool({ budget: () => poolBudget(largest), reserve: () => largest });
  const recycle = (block: Block): void => {
    for (const b of block.branches) {
      if (b.kind === "conv" && b.kernel.data instanceof Float32Array) pool.give(b.kernel.data);
      if (b.kind === "sequential")
        for (const k of [b.first.kernel, b.second.kernel]) if (k.data instanceof Float32Array) pool.give(k.data);
    }
  };
  const graph = model.format === "layers-model" ? undefined : graphModelView(model, pool);
  const view: GraphView = graph?.view ?? layersView(model, pool).view;
  // A view node may stand for more nodes (a conv and its StridedSlice): the writer replaces them all.
  const ids = (n: { readonly id: string }) => [n.id, ...(graph?.absorbed.get(n.id) ?? [])];
  // The graph writer removes a group's bypassed BatchNorms (rewriteGraph): pre-BN sinking is on for graph models.
  const { matches, refused } = await matchBlocks(view, { bypass: graph !== undefined, ...matchOptions(options) });
  const candidates: TfjsCandidate[] = [];
  const dropped = new Set<string>(); // groups with a member left out: the whole group is
  for (const m of matches) {
    // x + BN(x) with no conv proves nothing about the rank: only a tensor known
    // to be NHWC (it has a spatial size) may become a 1x1 depthwise conv.
    const identities =
      m.candidate.layout.branches.every((b) => b.kind === "identity") && view.spatialSize(m.input) === undefined;
    // A Linear and its bias are no block, unless it absorbs a BatchNorm before it.
    if (identities || (m.bypass === undefined && isLinearBias(m.nodes))) {
      if (m.candidate.group !== undefined) dropped.add(m.candidate.group);
      continue;
    }
    const bypass = m.bypass?.map((n) => ({ nodes: ids(n), input: n.inputs[0]!, output: n.outputs[0]! }));
    candidates.push({
      ...m.candidate,
      site: { input: m.input, output: m.output, nodes: m.nodes.flatMap(ids), ...(bypass ? { bypass } : {}) },
      recycle,
    });
  }
  return { candidates: candidates.filter((c) => c.group === undefined || !dropped.has(c.group)), refused };
}
