/** Top, left, bottom, right. */
export type Pads4 = readonly [number, number, number, number];
/** Height, width. */
export type Pair = readonly [number, number];

/**
 * One op of a linear region, reading tensors by name and making `out`. The
 * region input is `x`; every value is float32-exact, stored as float64.
 */
export type RegionOp = { readonly out: string } & (
  | {
      readonly kind: "conv";
      readonly input: string;
      /** OIHW, I = in channels / groups. */
      readonly weight: Float64Array;
      readonly shape: readonly [number, number, number, number];
      readonly bias?: Float64Array;
      readonly strides: Pair;
      readonly dilations: Pair;
      readonly pads: Pads4;
      readonly groups: number;
    }
  /** AveragePool with count_include_pad = 1 (a conv of 1 / (kh kw) per channel). */
  | { readonly kind: "pool"; readonly input: string; readonly size: Pair; readonly strides: Pair; readonly pads: Pads4 }
  | {
      readonly kind: "bn";
      readonly input: string;
      readonly gamma: Float64Array;
      readonly beta: Float64Array;
      readonly mean: Float64Array;
      readonly variance: Float64Array;
      readonly eps: number;
    }
  /** x op c with c one value or one per channel; `constFirst`: c op x (Mul, Add, Sub only). */
  | {
      readonly kind: "affine";
      readonly input: string;
      readonly op: "Mul" | "Add" | "Sub" | "Div";
      readonly value: Float64Array;
      readonly constFirst: boolean;
    }
  /** A Pad node (constant mode) on the spatial dims, `value` outside. */
  | { readonly kind: "pad"; readonly input: string; readonly pads: Pads4; readonly value: number }
  /** Sum of 2..4 tensors (an Add chain or one Sum node). */
  | { readonly kind: "sum"; readonly inputs: readonly string[]; readonly node: "add" | "sum" }
  /** a - b. */
  | { readonly kind: "diff"; readonly inputs: readonly [string, string] }
  | { readonly kind: "act"; readonly input: string; readonly op: "Relu" | "LeakyRelu"; readonly alpha: number }
  /**
   * A Linear layer on [N, C]: weight [O, C]; written as Gemm (transB 1 with
   * [O, C], or transB 0 with [C, O]) or MatMul with [C, O] (+ Add bias).
   */
  | {
      readonly kind: "linear";
      readonly input: string;
      readonly weight: Float64Array;
      readonly shape: readonly [number, number];
      readonly bias?: Float64Array;
      readonly spelling: "gemm" | "gemm-t" | "matmul";
    }
);

/** What a maximal cut-free run of units is, for the report. */
export type SegmentKind =
  | "pointwise"
  | "conv"
  | "sum"
  | "sum-seq"
  | "linear"
  | "linear-sum"
  | "pre-conv"
  | "pre-sum"
  | "pre-sum-seq"
  | "pre-linear"
  | "pre-linear-sum"
  | "seq"
  | "seq-frame"
  | "linear-seq";

/** A random linear (or cut) region between `x` and the last op's output. */
export interface RegionSpec {
  readonly seed: number;
  /** [1, C, H, W] or [N, C]. */
  readonly inputShape: readonly number[];
  readonly ops: readonly RegionOp[];
  /** The output tensor (the last op's). */
  readonly output: string;
  readonly outputShape: readonly number[];
  /** The kinds of the region's segments, in order: one segment when the region is one exact linear map. */
  readonly segments: readonly SegmentKind[];
  /** What cut it: none (exact), a non-linearity, or a padding that is not border-exact. */
  readonly cut: "none" | "act" | "pad";
  /** Conv / Gemm / MatMul nodes an ideal converter leaves: one per segment holding one. */
  readonly ideal: number;
  /** `exact/<kind>` or `cut-act/<kind>`, `cut-pad/<kind>` (the hardest segment). */
  readonly klass: string;
  /** Forms counted apart (see `regionTags`): div, const-sub, flat-const, frame-pad, mixed-dilation, pre-affine. */
  readonly tags: readonly string[];
  /** Linear stages (convs, pools, Linears) on the longest path: the bound's multiplier. */
  readonly stages: number;
  /** Products per output element any conv over the region's window can need (in channels * window). */
  readonly terms: number;
}
