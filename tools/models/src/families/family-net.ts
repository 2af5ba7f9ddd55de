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
      /** PyTorch's symmetric padding on H and W. */
      readonly pad: number;
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
    };

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
