import type { Block } from "../block/block.js";
import { narrowBFloat16, narrowFloat16 } from "../numeric/float16.js";
import { fuseChannels } from "./fuse-channels.js";
import { fuseIntoHwio } from "./fuse-hwio.js";
import { fuseInto } from "./fuse-into.js";
import { preBnSink } from "./pre-bn-sink.js";
import type { FuseWindow } from "./fuse-window.js";
import { assertFiniteFusion, type FusedStorage } from "./finite-guard.js";
import type { FusePlan } from "../block/fuse-plan.js";
import { type FusedDtype, storageType } from "./fused-storage.js";

export type { FusedDtype } from "./fused-storage.js";

/** Where and how {@link fuseTo} writes a fused conv. */
export interface FuseTarget {
  readonly dtype: FusedDtype;
  /**
   * The block's conv kernels hold TF's HWIO values as stored (from
   * `Candidate.loadHwio`) and the fused kernel is written in HWIO too: only
   * for blocks `hwioFusable` accepts (dense RepVGG-shaped).
   */
  readonly hwio?: boolean;
  /** Only output channels [from, to): the block's kernels hold only those rows (see {@link FuseWindow}). */
  readonly window?: FuseWindow;
  /** Storage to fill instead of new arrays (reused buffers): `Float32Array` for f32, `Float64Array` for f64, `Uint16Array` for f16/bf16, of the window's size. */
  readonly kernel?: FusedStorage;
  readonly bias?: FusedStorage;
}

/**
 * How a planned block is fused: {@link fuseTo} itself, or something that
 * gives the same bytes (`@reparam/core/node`'s `parallelFuser`, which
 * computes part of a large block's rows on a worker thread).
 */
export type Fuser = (block: Block, plan: FusePlan, target: FuseTarget) => FusedArrays;

/** A fused conv in its storage dtype: kernel OIHW (or HWIO with `hwio`), bias [O]. */
export interface FusedArrays {
  readonly kernel: FusedStorage;
  readonly bias: FusedStorage;
}

function storage(dtype: FusedDtype, n: number, given: FusedStorage | undefined): FusedStorage {
  const want = storageType(dtype);
  if (given === undefined) return new want(n);
  if (!(given instanceof want) || given.length !== n)
    throw new TypeError(
      `fuseTo: ${dtype} storage of ${n} values expected, got ${given.constructor.name}(${given.length})`,
    );
  return given;
}

/**
 * The one way a planned block is fused: in float64 (the engine's order of
 * operations), each value rounded once into `target.dtype`, then checked by
 * the finiteness guard ({@link assertFiniteFusion}) before anyone can write
 * it. Every adapter and the verifier fuse through here.
 *
 * @throws ReparamError `CORE_NON_FINITE` when a fused value is NaN or
 *   infinite (after rounding: a float16 overflow counts) while the block's
 *   inputs were finite; `FUSE_BAD_WINDOW` for a window that does not fit.
 */
export function fuseTo(block: Block, plan: FusePlan, target: FuseTarget): FusedArrays {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const per = iPer * kh * kw;
  const from = target.window?.from ?? 0;
  const rows = (target.window?.to ?? o) - from;
  const kernel = storage(target.dtype, rows * per, target.kernel);
  const bias = storage(target.dtype, rows, target.bias);
  const half = target.dtype === "f16" || target.dtype === "bf16" ? target.dtype : undefined;
  let proven = false; // every kernel value proved finite as it was stored
  if (target.hwio === true) {
    if (target.window !== undefined) throw new TypeError("fuseTo: HWIO fusion takes no window");
    if (block.preBn !== undefined) throw new TypeError("fuseTo: HWIO fusion takes no pre-BN (hwioFusable refuses it)");
    if (half === undefined)
      proven = fuseIntoHwio(block, plan, kernel as Float32Array | Float64Array, bias as Float32Array | Float64Array);
    else {
      const k64 = new Float64Array(rows * per);
      const b64 = new Float64Array(rows);
      fuseIntoHwio(block, plan, k64, b64);
      narrowInto(k64, kernel, half);
      narrowInto(b64, bias, half);
    }
  } else if (half === undefined && block.preBn === undefined) {
    proven = fuseInto(
      block,
      plan,
      kernel as Float32Array | Float64Array,
      bias as Float32Array | Float64Array,
      target.window,
    );
  } else {
    // Row by row in float64, each value rounded once: no float64 kernel exists whole.
    const narrow = half === undefined ? (v: number) => v : half === "f16" ? narrowFloat16 : narrowBFloat16;
    const sink = (oc: number, row: Float64Array, b: number) => {
      const base = (oc - from) * per;
      for (let j = 0; j < per; j++) kernel[base + j] = narrow(row[j]!);
      bias[oc - from] = narrow(b);
    };
    fuseChannels(block, plan, preBnSink(block, plan, sink), undefined, target.window);
  }
  assertFiniteFusion(block, kernel, bias, { half, from, kernelProven: proven, hwio: target.hwio === true });
  return { kernel, bias };
}

function narrowInto(values: Float64Array, out: FusedStorage, half: "f16" | "bf16"): void {
  const narrow = half === "f16" ? narrowFloat16 : narrowBFloat16;
  for (let i = 0; i < values.length; i++) out[i] = narrow(values[i]!);
}
