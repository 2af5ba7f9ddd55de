import { hwioFusable, type FusePlan } from "@reparam/core";
import { float32Pool } from "../codec/_float32-pool.js";
import { oihwToTf, type KernelDims } from "../codec/_kernel-layout.js";
import type { FusedTfjsWeight } from "./fused-tfjs-weight.js";
import type { TfjsFusion } from "./tfjs-fusion.js";

/** True when a fused conv is depthwise in TF terms: groups = input channels (> 1), one input channel per group. */
export function isDepthwise(plan: Pick<FusePlan, "groups" | "kernelShape">, inChannels: number): boolean {
  return plan.groups > 1 && plan.groups === inChannels && plan.kernelShape[1] === 1;
}

/** Makes the two weights of one fusion; see {@link fusedWeightMaker}. */
export type FusedWeightMaker = (
  fusion: TfjsFusion,
  names: { kernel: string; bias: string },
) => [FusedTfjsWeight, FusedTfjsWeight];

type Fused = { readonly kernel: Float32Array | Uint16Array; readonly bias: Float32Array | Uint16Array };

/**
 * Makes, fusion by fusion, the fused kernel in TF layout (HWIO, or
 * `[kh, kw, C, M]` when depthwise) and its bias, as new weights named
 * `kernel` and `bias` whose values are computed when written. One fusion
 * serves both: the block is loaded and fused (core's float64 arithmetic, each
 * value rounded once into its storage) on the first `compute()`, and
 * forgotten once both weights have taken their bytes. `f32` rounds straight
 * into float32; `f16` fuses into float64 and rounds that to float16, so no
 * value is rounded twice.
 *
 * Big float32 arrays are reused from block to block, so that a big model does
 * not fault in fresh memory per block: the loaded block's kernels go back to
 * their candidates ({@link TfjsCandidate.recycle}); the OIHW fused kernel (no
 * await between fusing and transposing) and the TF-layout kernel (once its
 * weight is released) come from one pool per maker.
 */
export function fusedWeightMaker(dtype: "f32" | "f16"): FusedWeightMaker {
  const pool = float32Pool();
  return (fusion, names) => {
    const { candidate, plan } = fusion;
    const c = candidate.layout.inChannels;
    const [o, iPer, kh, kw] = plan.kernelShape;
    const depthwise = isDepthwise(plan, c);
    // OIHW [O][I][P] <-> TF [P][I][O]; depthwise [C * M, 1, kh, kw] <-> [kh, kw, C, M] is [P][1][C * M].
    const dims: KernelDims = { p: kh * kw, i: depthwise ? 1 : iPer, o };
    const n = o * iPer * kh * kw;
    const { loadHwio, fuse: fuseBlock } = fusion;
    const fuse = async (): Promise<Fused> => {
      if (!depthwise && loadHwio !== undefined && hwioFusable(candidate.layout, plan)) {
        // Dense RepVGG-shaped: fused in TF's layout straight from the stored kernels, no transposes.
        const block = await loadHwio();
        const fused = fuseBlock(block, {
          dtype,
          hwio: true,
          ...(dtype === "f32" ? { kernel: pool.take(n) } : {}),
        }) as Fused;
        candidate.recycle(block);
        return fused;
      }
      const block = await fusion.load();
      let fused: Fused;
      if (dtype === "f32") {
        const oihw = pool.take(n);
        const f = fuseBlock(block, { dtype, kernel: oihw });
        fused = { kernel: oihwToTf(oihw, pool.take(n), dims), bias: f.bias as Float32Array };
        pool.give(oihw);
      } else {
        const f = fuseBlock(block, { dtype });
        fused = { kernel: oihwToTf(f.kernel as Uint16Array, new Uint16Array(n), dims), bias: f.bias as Uint16Array };
      }
      candidate.recycle(block);
      return fused;
    };
    let made: Promise<Fused> | undefined;
    let taken = 0;
    const take = async (part: "kernel" | "bias"): Promise<Uint8Array> => {
      const pending = (made ??= fuse());
      if (++taken === 2) {
        made = undefined;
        taken = 0;
      }
      const a = (await pending)[part];
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    };
    let lent: Uint8Array | undefined;
    const quantization = dtype === "f16" ? { quantization: { dtype: "float16" as const } } : {};
    const shape = depthwise ? [kh, kw, c, o / c] : [kh, kw, iPer, o];
    return [
      {
        name: names.kernel,
        shape,
        dtype: "float32",
        ...quantization,
        compute: async () => (lent = await take("kernel")),
        release: () => {
          if (dtype === "f32" && lent !== undefined)
            pool.give(new Float32Array(lent.buffer, lent.byteOffset, lent.byteLength / 4));
          lent = undefined;
        },
      },
      {
        name: names.bias,
        shape: [o],
        dtype: "float32",
        ...quantization,
        compute: () => take("bias"),
        release: () => undefined,
      },
    ];
  };
}
