import type { Pads, Pair } from "../block/block.js";

/** A constant tensor of the model (an initializer, a Const node), read on demand. */
export interface ConstRef {
  /** Shape in core's layout: conv kernels OIHW, per-channel vectors [C]. */
  readonly shape: readonly number[];
  /** The values in that layout (float32 or float64; half types widened by the adapter). */
  values(): Promise<Float32Array | Float64Array>;
  /** Conv kernels a format stores in TF's layout: the values in HWIO order as stored, unpermuted (see `Candidate.loadHwio`). */
  hwioValues?(): Promise<Float32Array | Float64Array>;
}

/** How a conv or pool pads: explicit pads, or resolved from the input size. */
export type Padding =
  | { readonly kind: "explicit"; readonly pads: Pads }
  /** SAME with the odd extra pad at the end (ONNX SAME_UPPER, TF 'SAME') or at the start (SAME_LOWER). */
  | { readonly kind: "same-upper" | "same-lower" }
  | { readonly kind: "valid" };

/** What a node does, as far as re-parameterization cares. */
export type NeutralOp =
  | {
      readonly kind: "conv";
      readonly kernel: ConstRef;
      readonly bias?: ConstRef;
      readonly stride: Pair;
      readonly padding: Padding;
      readonly dilation: Pair;
      readonly groups: number;
      /**
       * A fully connected layer over [N, C] (Gemm, MatMul, Dense), read as a
       * 1x1 conv on a 1x1 image; a graph writer writes its block back as one.
       */
      readonly linear?: boolean;
      /** It contracts the last axis (TF's NHWC), not axis 1; see {@link ChannelsLast}. */
      readonly channelsLast?: boolean;
    }
  | {
      readonly kind: "batchnorm";
      readonly gamma: ConstRef;
      readonly beta: ConstRef;
      readonly mean: ConstRef;
      readonly variance: ConstRef;
      readonly eps: number;
      /** It normalizes the last axis (TF's NHWC / NLC), not axis 1; see {@link ChannelsLast}. */
      readonly channelsLast?: boolean;
      /** The rank of its input where known: a channels-last BatchNorm's channel axis is rank - 1. */
      readonly rank?: number;
    }
  /** Per-channel x * scale + shift with constants (Mul / Add / BiasAdd with a constant). */
  | {
      readonly kind: "affine";
      readonly scale?: ConstRef;
      readonly shift?: ConstRef;
      /** Its constants run along the last axis at any rank (TF broadcasting); see {@link ChannelsLast}. */
      readonly channelsLast?: boolean;
    }
  /**
   * Constant padding of the spatial dims only, with `value` in every
   * channel (absent: 0). Only a zero Pad is read as the padding of a conv
   * over a block input (the fused conv pads with zeros); a non-zero one is a
   * frame between the convs of a chain, exact where that frame holds the
   * chain's zero response (core's `composeChain`), else a boundary.
   */
  | { readonly kind: "pad"; readonly pads: Pads; readonly value?: number }
  /** Average pool whose divisor counts the padding (count_include_pad), floor mode. */
  | {
      readonly kind: "avgpool";
      readonly size: Pair;
      readonly stride: Pair;
      readonly padding: Padding;
      /** It pools the axes before the last (NHWC), not those after axis 1; see {@link ChannelsLast}. */
      readonly channelsLast?: boolean;
    }
  /** Sum of all data inputs (Add, Sum, AddV2, AddN). */
  | { readonly kind: "add" }
  /** Difference of two data inputs, the first minus the second (Sub). */
  | { readonly kind: "sub" }
  /** A layout op or a Linear on tokens that only pre-BN sinking reads ({@link LayoutOp}); a boundary for the rest. */
  | { readonly kind: "layout"; readonly layout: LayoutOp }
  /**
   * Anything else: a boundary for matching. `activation` marks a leaky ReLU
   * (LeakyRelu, PRelu with constant slopes) whose slopes for x < 0 are known:
   * the identity at slope 1 only, which decides whether convs around it merge
   * (VanillaNet's act_learn).
   */
  | { readonly kind: "other"; readonly activation?: { readonly op: string; readonly slopes: readonly number[] } };

/**
 * `channelsLast` on a conv, BatchNorm, affine or average pool: the op holds
 * the channels on the last axis of its tensors, as TF's NHWC / NLC do (a
 * graph view's layout ops name axes as stored), where a view's ops
 * otherwise hold them on axis 1 (NCHW). Only pre-BN sinking follows axes
 * (`preBnRegion`); every other matcher reads ops the same either way.
 */
export type ChannelsLast = boolean;

/** Dims of a tensor as far as known (undefined where a dim is not). */
export type Dims = readonly (number | undefined)[];

/**
 * Ops that move, average or contract values along axes, which a per-channel
 * BatchNorm over axis 1 may or may not commute with (`preBnBlocks` proves
 * which). Every other matcher treats them as boundaries.
 */
export type LayoutOp =
  /** Reshape (Flatten, Squeeze, Unsqueeze): row-major order kept; the input's and output's dims where known. */
  | { readonly op: "reshape"; readonly from?: Dims; readonly to?: Dims }
  /** Output axis i is input axis perm[i]. */
  | { readonly op: "transpose"; readonly perm: readonly number[] }
  /** Constant zero padding of any axes: [begin of each axis..., end of each axis...]. */
  | { readonly op: "pad"; readonly pads: readonly number[] }
  /** Average pool over the axes after the first two (1-D, 2-D, ...), pads as [begins..., ends...]. */
  | {
      readonly op: "avgpool";
      readonly kernel: readonly number[];
      readonly pads: readonly number[];
      /** The divisor counts the padded positions too. */
      readonly countIncludePad: boolean;
      /** Ceil mode: the last window may hang over the end. */
      readonly ceil: boolean;
    }
  /**
   * x [..., I] times a constant [I, O] over the last axis (nn.Linear on tokens);
   * kernel as OIHW [O, I, 1, 1]; the rank of x where known.
   */
  | { readonly op: "matmul"; readonly kernel: ConstRef; readonly rank?: number }
  /** x + b with a constant b of one value per entry of the last axis (a Linear's bias on tokens). */
  | { readonly op: "bias"; readonly shift: ConstRef };

/** One node: its op and its data (non-constant) inputs and outputs, by tensor name. */
export interface GraphNodeView {
  /** Unique id (node name, or an index-based one); used to name blocks and to rewrite. */
  readonly id: string;
  readonly op: NeutralOp;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * The small format-neutral view of a graph the matcher works on; each graph
 * adapter (ONNX, TF.js graph and layers) provides one. Tensors are named by
 * strings; layouts are NCHW/OIHW semantics whatever the format stores.
 */
export interface GraphView {
  readonly nodes: readonly GraphNodeView[];
  producer(tensor: string): GraphNodeView | undefined;
  consumers(tensor: string): readonly GraphNodeView[];
  isGraphOutput(tensor: string): boolean;
  /** [H, W] of a tensor when known (shape inference, value_info, input shape). */
  spatialSize(tensor: string): Pair | undefined;
}

/** Builds producer/consumer lookups for a node list: a ready-made {@link GraphView}. */
export function graphView(
  nodes: readonly GraphNodeView[],
  outputs: Iterable<string>,
  sizes: (t: string) => Pair | undefined = () => undefined,
): GraphView {
  const prod = new Map<string, GraphNodeView>();
  const cons = new Map<string, GraphNodeView[]>();
  for (const n of nodes) {
    for (const o of n.outputs) prod.set(o, n);
    for (const i of n.inputs) {
      const list = cons.get(i);
      if (list === undefined) cons.set(i, [n]);
      else if (!list.includes(n)) list.push(n);
    }
  }
  const outs = new Set(outputs);
  return {
    nodes,
    producer: (t) => prod.get(t),
    consumers: (t) => cons.get(t) ?? [],
    isGraphOutput: (t) => outs.has(t),
    spatialSize: sizes,
  };
}
