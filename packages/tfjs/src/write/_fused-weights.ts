import { hwioFusable, narrowFloat16, type Block, type FusePlan } from "@reparam/core";
import { float32Pool, poolBudget } from "../codec/_float32-pool.js";
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
 * bits (in HWIO through a reused float64 buffer); any affine (uint8/uint16)
 * part fuses into float64 and is quantized from there, so no value is
 * rounded twice.
 *
 * Memory is reused from block to block, so that a model does not fault in
 * fresh memory per block (on a VM that costs as much as the arithmetic): the
 * loaded block's kernels go back to their candidates
 * ({@link TfjsCandidate.recycle}); float64 fusions go into scratch arrays (each
 * used up before the next await); a fused kernel's stored bytes come from a
 * pool and go back once written (its weight's `release`).
 */
export function fusedWeightMaker(option: FusedDtypeOption): FusedWeightMaker {
  // Every fusion is made before any is computed: arrays are sized once, for the largest kernel. Fused
  // kernels are lent until the shards holding them are written (several at once): kept by bytes.
  let largest = 0;
  const pool = float32Pool({ budget: () => poolBudget(largest), reserve: () => largest });
  const wide = float64Scratch(() => largest);
  const wideTf = float64Scratch(() => largest);
  return (fusion, names, read) => {
    const { candidate, plan } = fusion;
    const c = candidate.layout.inChannels;
    const [o, iPer, kh, kw] = plan.kernelShape;
    const depthwise = isDepthwise(plan, c);
    // OIHW [O][I][P] <-> TF [P][I][O]; depthwise [C * M, 1, kh, kw] <-> [kh, kw, C, M] is [P][1][C * M].
    const dims: KernelDims = { p: kh * kw, i: depthwise ? 1 : iPer, o };
    const n = o * iPer * kh * kw;
    largest = Math.max(largest, n);
    const encodings = fusedEncodings(option, read);
    const { kernel: ke, bias: be } = encodings;
    const store: Store =
      ke.kind === "float32" && be.kind === "float32"
        ? "f32"
        : ke.kind === "float16" && be.kind === "float16"
          ? "f16"
          : "f64";
    const { loadHwio, fuse: fuseBlock } = fusion;
    let loan: Float32Array | undefined; // the pooled array holding the kernel's bytes, until released
    const lend = (byteLength: number): Uint8Array => {
      loan = pool.take(Math.ceil(byteLength / 4));
      return new Uint8Array(loan.buffer, loan.byteOffset, byteLength);
    };
    const lendHalf = (count: number): Uint16Array => {
      const bytes = lend(2 * count);
      return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
    };
    // float16 in HWIO: fused into a reused float64 buffer, each value narrowed once; a value past
    // float16's range is left to core's own float16 fusion, whose finiteness guard names it. (In OIHW
    // core's float16 fusion narrows each row as it is made: faster than a float64 pass and a narrowing one.)
    const halfHwio = (block: Block): Fused | undefined => {
      const k64 = wide.take(n);
      const b64 = new Float64Array(o);
      fuseBlock(block, { dtype: "f64", hwio: true, kernel: k64, bias: b64 });
      const bias = narrowFloat16Into(b64, new Uint16Array(o));
      const kernel = bias === undefined ? undefined : narrowFloat16Into(k64, lendHalf(n));
      return kernel === undefined || bias === undefined ? undefined : { kernel, bias };
    };
    const fuseHwio = (block: Block): Fused => {
      if (store === "f16") return halfHwio(block) ?? (fuseBlock(block, { dtype: "f16", hwio: true }) as Fused);
      const kernel = store === "f32" ? new Float32Array(lend(4 * n).buffer, 0, n) : wide.take(n);
      return fuseBlock(block, { dtype: store, hwio: true, kernel }) as Fused;
    };
    const fuseOihw = (block: Block): Fused => {
      if (store === "f32") {
        const oihw = pool.take(n);
        const f = fuseBlock(block, { dtype: store, kernel: oihw });
        const kernel = oihwToTf(oihw, new Float32Array(lend(4 * n).buffer, 0, n), dims);
        pool.give(oihw);
        return { kernel, bias: f.bias as Float32Array };
      }
      if (store === "f64") {
        const f = fuseBlock(block, { dtype: store, kernel: wide.take(n) });
        return { kernel: oihwToTf(f.kernel as never, wideTf.take(n) as never, dims), bias: f.bias as Float64Array };
      }
      const f = fuseBlock(block, { dtype: store });
      return { kernel: oihwToTf(f.kernel as Uint16Array, lendHalf(n), dims), bias: f.bias as Uint16Array };
    };
    const encoded: Partial<Record<Part, EncodedFused>> = {};
    // Stored bytes of a fused part; a float64 one (in scratch) is encoded at once.
    const bytesOf = (part: Part, a: KernelStorage | Float64Array): Uint8Array => {
      if (!(a instanceof Float64Array)) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const e = encodeFused(names[part], a, encodings[part], part === "kernel" ? lend : undefined);
      encoded[part] = e;
      return e.bytes;
    };
    const fuse = async (): Promise<Record<Part, Uint8Array>> => {
      const hwio = !depthwise && loadHwio !== undefined && hwioFusable(candidate.layout, plan);
      // Dense RepVGG-shaped: fused in TF's layout straight from the stored kernels, no transposes.
      const block = hwio ? await loadHwio() : await fusion.load();
      const fused = hwio ? fuseHwio(block) : fuseOihw(block);
      candidate.recycle(block);
      return { kernel: bytesOf("kernel", fused.kernel), bias: bytesOf("bias", fused.bias) };
    };
    let made: Promise<Record<Part, Uint8Array>> | undefined;
    let taken = 0;
    const take = async (part: Part): Promise<Uint8Array> => {
      const pending = (made ??= fuse());
      if (++taken === 2) {
        made = undefined;
        taken = 0;
      }
      return (await pending)[part];
    };
    const planned = (part: Part) => {
      const q = plannedQuantization(encodings[part]);
      return q === undefined ? {} : { quantization: q };
    };
    const settled = (part: Part) => () => encoded[part] ?? planned(part);
    const shape = depthwise ? [kh, kw, c, o / c] : [kh, kw, iPer, o];
    return [
      {
        name: names.kernel,
        shape,
        dtype: "float32",
        ...planned("kernel"),
        settled: settled("kernel"),
        compute: () => take("kernel"),
        release: () => {
          if (loan !== undefined) pool.give(loan);
          loan = undefined;
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

/**
 * One float64 buffer, grown as needed (to `reserve()` when that is more), lent as views of the
 * asked length (one user at a time: no await while lent).
 */
function float64Scratch(reserve: () => number): { take(n: number): Float64Array } {
  let buf = new Float64Array(0);
  return {
    take: (n) => {
      if (buf.length < n) buf = new Float64Array(Math.max(n, reserve()));
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
