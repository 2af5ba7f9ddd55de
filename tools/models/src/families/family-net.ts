/**
 * A re-parameterization family's net (tools/conformance/fixtures/families),
 * format-neutral: a list of steps over named tensors, weights by their
 * PyTorch state-dict keys. The TF.js graph and layers emitters read it; each
 * step's output is the tensor named `name`.
 */
export type FamilyStep =
  | {
      readonly op: "conv";
      readonly name: string;
      readonly x: string;
      /** OIHW kernel key (`[O, I / groups, kh, kw]`). */
      readonly weight: string;
      /** Key of the conv's own bias. */
      readonly bias?: string;
      /** Prefix of the BN after the conv (`<bn>.weight`, `.bias`, `.running_mean`, `.running_var`). */
      readonly bn?: string;
      readonly stride: number;
      /** The stride along W when it differs from `stride` (along H). */
      readonly strideW?: number;
      /** PyTorch's symmetric padding on H and W. */
      readonly pad: number;
      /** Per-side padding `[top, left, bottom, right]` (ONNX order), when not `pad` on every side. */
      readonly pads?: readonly [number, number, number, number];
      readonly dilation: number;
      /** groups = in channels (out = in * multiplier); else groups 1. */
      readonly depthwise: boolean;
    }
  /** A BN over `x` (identity branch, post-sum, BatchNorm1d). */
  | { readonly op: "bn"; readonly name: string; readonly x: string; readonly bn: string }
  /** x[0] + x[1] + ... (in this order). */
  | { readonly op: "add"; readonly name: string; readonly xs: readonly string[] }
  /** a - b. */
  | { readonly op: "sub"; readonly name: string; readonly a: string; readonly b: string }
  /** x times a constant: per channel (`[C, 1, 1]` layer scale) or scalar (`[1]` alpha). */
  | { readonly op: "scale"; readonly name: string; readonly x: string; readonly key: string }
  | { readonly op: "act"; readonly name: string; readonly x: string; readonly fn: "relu" | "silu" }
  /** nn.Linear: y = x W^T (+ b), W `[out, in]`. */
  | {
      readonly op: "dense";
      readonly name: string;
      readonly x: string;
      readonly weight: string;
      readonly bias?: string;
    }
  /** a (+ - * /) b, each a tensor or a constant of the state dict (`[C, 1, 1]` / `[1, C, 1, 1]` per channel, scalar). */
  | {
      readonly op: "binary";
      readonly name: string;
      readonly fn: "add" | "sub" | "mul" | "div";
      readonly a: Operand;
      readonly b: Operand;
    }
  /** An element-wise function; `alpha` is LeakyReLU's slope. */
  | {
      readonly op: "unary";
      readonly name: string;
      readonly x: string;
      readonly fn: "relu" | "sigmoid" | "erf" | "hardswish" | "leakyrelu";
      readonly alpha?: number;
    }
  /** Channel concatenation (NCHW axis 1). */
  | { readonly op: "concat"; readonly name: string; readonly xs: readonly string[] }
  /** Max pooling, square window `k`, unpadded. */
  | { readonly op: "maxpool"; readonly name: string; readonly x: string; readonly k: number; readonly stride: number }
  /** Tokens: reshape to `shape` (-1 for one dim), transpose by `perm`. */
  | { readonly op: "reshape"; readonly name: string; readonly x: string; readonly shape: readonly number[] }
  | { readonly op: "transpose"; readonly name: string; readonly x: string; readonly perm: readonly number[] }
  /** Batched a @ b (attention scores and values). */
  | { readonly op: "matmul"; readonly name: string; readonly a: string; readonly b: string }
  | { readonly op: "softmax"; readonly name: string; readonly x: string }
  /** AvgPool1d over the tokens of `[N, L, C]`, window and stride `k`. */
  | { readonly op: "avgpool1d"; readonly name: string; readonly x: string; readonly k: number }
  /** Zero padding of H and W, `[top, left, bottom, right]`. */
  | {
      readonly op: "pad";
      readonly name: string;
      readonly x: string;
      readonly pads: readonly [number, number, number, number];
    }
  /** Channels `begin` to `begin + size` (a chunk). */
  | { readonly op: "slice"; readonly name: string; readonly x: string; readonly begin: number; readonly size: number }
  /** Every `stride[0]`-th row and `stride[1]`-th column, from the first (a strided dilated conv's output). */
  | {
      readonly op: "subsample";
      readonly name: string;
      readonly x: string;
      readonly stride: readonly [number, number];
    }
  /** PReLU with per-channel slopes `key` (`[C]`, `[C, 1, 1]` or one value). */
  | { readonly op: "prelu"; readonly name: string; readonly x: string; readonly key: string }
  /** Pixel shuffle by `block` to one channel. */
  | { readonly op: "depthToSpace"; readonly name: string; readonly x: string; readonly block: number }
  /** A BN over the last axis of a tensor of any rank (BatchNorm1d on tokens), as Mul + AddV2. */
  | { readonly op: "affineBn"; readonly name: string; readonly x: string; readonly bn: string };

/** An operand of a `binary` step: a tensor of the net, or a state-dict constant. */
export type Operand = { readonly tensor: string } | { readonly key: string };

/** A family's net: input shape (NHWC, or `[N, F]`), BN eps, steps; the last step's output is the model's. */
export interface FamilyNet {
  /** The fixture case (`fastvit_repmixer`). */
  readonly name: string;
  /** NHWC `[N, H, W, C]`, or `[N, F]` for a net of Linear layers. */
  readonly input: readonly number[];
  /** BatchNorm epsilon (PyTorch 1e-5; YOLOv9 1e-3). */
  readonly eps: number;
  readonly steps: readonly FamilyStep[];
}

/** A float32 tensor of the state dict. */
export interface StateTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The train state dict (float32 tensors; integer buffers left out). */
export type StateDict = ReadonlyMap<string, StateTensor>;
