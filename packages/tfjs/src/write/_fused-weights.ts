import { hwioFusable, narrowFloat16, type Block, type FusePlan } from "@reparam/core";
import { float32Pool } from "../codec/_float32-pool.js";
import { oihwToTf, type KernelDims, type KernelStorage } from "../codec/_kernel-layout.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";
import {
  encodeFused,
  fusedEncodings,
  plannedQuantization,
  type EncodedFused,
  type FusedDtypeOption,
} from "./_fused-encoding.js";
import type { FusedTfjsWeight } from "./fused-tfjs-weight.js";
import type { TfjsFusion } from "./tfjs-fusion.js";

/** True when a fused conv is depthwise in TF terms: groups = input channels (> 1), one input channel per group. */
export function isDepthwise(plan: Pick<FusePlan, "groups" | "kernelShape">, inChannels: number): boolean {
  return plan.groups > 1 && plan.groups === inChannels && plan.kernelShape[1] === 1;
}

/** Makes the two weights of one fusion; see {@link fusedWeightMaker}. `read` are the input weights the block read. */
export type FusedWeightMaker = (
  fusion: TfjsFusion,
  names: { kernel: string; bias: string },
  read: readonly TfjsWeight[],
) => [FusedTfjsWeight, FusedTfjsWeight];

type Store = "f32" | "f16" | "f64";
type Fused = { readonly kernel: KernelStorage | Float64Array; readonly bias: KernelStorage | Float64Array };
type Part = "kernel" | "bias";

/**
 * Makes, fusion by fusion, the fused kernel in TF layout (HWIO, or
 * `[kh, kw, C, M]` when depthwise) and its bias, as new weights named
 * `kernel` and `bias` whose values are computed when written. One fusion
 * serves both: the block is loaded and fused (core's float64 arithmetic, each
 * value rounded once into its storage) on the first `compute()`, and
 * forgotten once both weights have taken their bytes. Their encodings come
 * from `option` ({@link fusedEncodings}: with `keep` those of the weights the
 * block read): float32 rounds straight into float32, float16 into float16
 * bits; any affine (uint8/uint16) part fuses into float64 and is quantized
 * from there, so no value is rounded twice.
 *
 * Big float32 arrays are reused from block to block, so that a big model does
 * not fault in fresh memory per block: the loaded block's kernels go back to
 * their candidates ({@link TfjsCandidate.recycle}); the OIHW fused kernel (no
 * await between fusing and transposing) and the TF-layout kernel (once its
 * weight is released) come from one pool per maker.
 */
export function fusedWeightMaker(option: FusedDtypeOption): FusedWeightMaker {
  const pool = float32Pool();
  const wide = float64Scratch();
  return (fusion, names, read) => {
    const { candidate, plan } = fusion;
    const c = candidate.layout.inChannels;
    const [o, iPer, kh, kw] = plan.kernelShape;
    const depthwise = isDepthwise(plan, c);
    // OIHW [O][I][P] <-> TF [P][I][O]; depthwise [C * M, 1, kh, kw] <-> [kh, kw, C, M] is [P][1][C * M].
    const dims: KernelDims = { p: kh * kw, i: depthwise ? 1 : iPer, o };
    const n = o * iPer * kh * kw;
    const encodings = fusedEncodings(option, read);
    const { kernel: ke, bias: be } = encodings;
    const store: Store =
      ke.kind === "float32" && be.kind === "float32"
        ? "f32"
        : ke.kind === "float16" && be.kind === "float16"
          ? "f16"
          : "f64";
    const { loadHwio, fuse: fuseBlock } = fusion;
    // float16 in HWIO: fused into one reused float64 buffer, each value narrowed once; a value past
    // float16's range is left to core's own float16 fusion, whose finiteness guard names it.
    const halfHwio = (block: Block, n: number, o: number): Fused => {
      const k64 = wide.take(n);
      const b64 = new Float64Array(o);
      fuseBlock(block, { dtype: "f64", hwio: true, kernel: k64, bias: b64 });
      const kernel = narrowFloat16Into(k64, new Uint16Array(n));
      const bias = narrowFloat16Into(b64, new Uint16Array(o));
      if (kernel === undefined || bias === undefined) return fuseBlock(block, { dtype: "f16", hwio: true }) as Fused;
      return { kernel, bias };
    };
    const fuse = async (): Promise<Fused> => {
      if (!depthwise && loadHwio !== undefined && hwioFusable(candidate.layout, plan)) {
        // Dense RepVGG-shaped: fused in TF's layout straight from the stored kernels, no transposes.
        const block = await loadHwio();
        const fused =
          store === "f16"
            ? halfHwio(block, n, o)
            : (fuseBlock(block, {
                dtype: store,
                hwio: true,
                ...(store === "f32" ? { kernel: pool.take(n) } : {}),
              }) as Fused);
        candidate.recycle(block);
        return fused;
      }
      const block = await fusion.load();
      let fused: Fused;
      if (store === "f32") {
        const oihw = pool.take(n);
        const f = fuseBlock(block, { dtype: store, kernel: oihw });
        fused = { kernel: oihwToTf(oihw, pool.take(n), dims), bias: f.bias as Float32Array };
        pool.give(oihw);
      } else {
        const f = fuseBlock(block, { dtype: store });
        const k = f.kernel as Uint16Array | Float64Array;
        const into = k instanceof Float64Array ? new Float64Array(n) : new Uint16Array(n);
        fused = { kernel: oihwToTf(k as never, into as never, dims), bias: f.bias as Uint16Array | Float64Array };
      }
      candidate.recycle(block);
      return fused;
    };
    let made: Promise<Fused> | undefined;
    let taken = 0;
    const encoded: Partial<Record<Part, EncodedFused>> = {};
    const take = async (part: Part): Promise<Uint8Array> => {
      const pending = (made ??= fuse());
      if (++taken === 2) {
        made = undefined;
        taken = 0;
      }
      const a = (await pending)[part];
      if (!(a instanceof Float64Array)) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const e = encodeFused(names[part], a, encodings[part]);
      encoded[part] = e;
      return e.bytes;
    };
    const planned = (part: Part) => {
      const q = plannedQuantization(encodings[part]);
      return q === undefined ? {} : { quantization: q };
    };
    const settled = (part: Part) => () => encoded[part] ?? planned(part);
    let lent: Uint8Array | undefined;
    const shape = depthwise ? [kh, kw, c, o / c] : [kh, kw, iPer, o];
    return [
      {
        name: names.kernel,
        shape,
        dtype: "float32",
        ...planned("kernel"),
        settled: settled("kernel"),
        compute: async () => (lent = await take("kernel")),
        release: () => {
          if (store === "f32" && lent !== undefined)
            pool.give(new Float32Array(lent.buffer, lent.byteOffset, lent.byteLength / 4));
          lent = undefined;
        },
      },
      {
        name: names.bias,
        shape: [o],
        dtype: "float32",
        ...planned("bias"),
        settled: settled("bias"),
        compute: () => take("bias"),
        release: () => undefined,
      },
    ];
  };
}

/** One float64 buffer, grown as needed, lent as views of the asked length (one user at a time: no await while lent). */
function float64Scratch(): { take(n: number): Float64Array } {
  let buf = new Float64Array(0);
  return {
    take: (n) => {
      if (buf.length < n) buf = new Float64Array(n);
      return buf.subarray(0, n);
    },
  };
}

/** `values` narrowed to float16 bits into `out`, each rounded once; undefined when one overflows to infinity (or was not finite). */
function narrowFloat16Into(values: Float64Array, out: Uint16Array): Uint16Array | undefined {
  let exp = 0;
  for (let i = 0; i < values.length; i++) {
    const h = narrowFloat16(values[i]!);
    out[i] = h;
    exp |= (h & 0x7c00) === 0x7c00 ? 1 : 0;
  }
  return exp === 0 ? out : undefined;
}
