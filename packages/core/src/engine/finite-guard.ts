import type { Block } from "../block/block.js";
import { ReparamError } from "../contract/reparam-error.js";
import { kindOf } from "../branch/branch-kinds.js";

/** Storage of fused values: float32/float64 numbers, or float16/bfloat16 bit patterns. */
export type FusedStorage = Float32Array | Float64Array | Uint16Array;

/** Exponent bits of a 16-bit float format: all ones means an infinity or a NaN. */
const EXPONENT = { f16: 0x7c00, bf16: 0x7f80 } as const;

/**
 * The last `a.length % 4` values of a scan, in a function of their own: as a
 * second loop inside the scan, its access had no type feedback when the scan
 * was optimized on lengths divisible by 4, and each later odd length
 * deoptimized the whole scan (RepVGG-B3 safetensors: 119 deopts, the scan
 * 106 -> 489 ms).
 */
function tailFinite(a: Float32Array | Float64Array, from: number): boolean {
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i]! * 0;
  return s === 0;
}

/**
 * x * 0 is 0 for every finite x and NaN otherwise: the sum of a[i] * 0 is 0
 * exactly when all are finite. Four sums; one function per array type on
 * purpose (allFinite64 is its twin): one loop seeing both types ran 6-8x
 * slower on a 100 MB kernel.
 */
function allFinite32(a: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length & ~3;
  let i = 0;
  for (; i < n; i += 4) {
    s0 += a[i]! * 0;
    s1 += a[i + 1]! * 0;
    s2 += a[i + 2]! * 0;
    s3 += a[i + 3]! * 0;
  }
  return s0 + s1 + s2 + s3 === 0 && tailFinite(a, i);
}

function allFinite64(a: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length & ~3;
  let i = 0;
  for (; i < n; i += 4) {
    s0 += a[i]! * 0;
    s1 += a[i + 1]! * 0;
    s2 += a[i + 2]! * 0;
    s3 += a[i + 3]! * 0;
  }
  return s0 + s1 + s2 + s3 === 0 && tailFinite(a, i);
}

/** Index of the first NaN or infinity in `a` (16-bit patterns read with `half`), or -1. */
function firstNonFinite(a: FusedStorage, half: keyof typeof EXPONENT | undefined): number {
  if (half !== undefined) {
    const e = EXPONENT[half];
    for (let i = 0; i < a.length; i++) if ((a[i]! & e) === e) return i;
    return -1;
  }
  if (a instanceof Float32Array ? allFinite32(a) : a instanceof Float64Array ? allFinite64(a) : true) return -1;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

/** True when some kernel of the block holds a NaN or an infinity (BNs and biases are checked when planning). */
function inputsNonFinite(block: Block): boolean {
  for (const b of block.branches) {
    for (const k of kindOf(b).kernels(b)) if (firstNonFinite(k.data, undefined) >= 0) return true;
  }
  return false;
}

/** How the values {@link assertFiniteFusion} checks were stored. */
export interface GuardedFusion {
  /** The 16-bit format of `kernel` and `bias` when they hold bit patterns. */
  readonly half?: "f16" | "bf16" | undefined;
  /** The absolute output channel of row 0 (a window's first). Default 0. */
  readonly from?: number;
  /**
   * The engine proved every kernel value finite as it stored it (its
   * WebAssembly kernels check what they store): only the bias is scanned.
   */
  readonly kernelProven?: boolean;
  /** The kernel is HWIO (output channel innermost), not OIHW: for naming the channel. */
  readonly hwio?: boolean;
}

/**
 * The finiteness guard every fusion passes through: a fused weight or bias
 * may hold a NaN or an infinity only when the block's own kernels already
 * did (the original model computes them too). Otherwise the fusion is wrong
 * or overflowed its storage dtype (a float16 value past 65504), and the model
 * must not be written.
 *
 * @throws ReparamError `CORE_NON_FINITE` naming the block, the tensor and the position
 */
export function assertFiniteFusion(
  block: Block,
  kernel: FusedStorage,
  bias: FusedStorage,
  how: GuardedFusion = {},
): void {
  const { half, from = 0, kernelProven = false, hwio = false } = how;
  const k = kernelProven ? -1 : firstNonFinite(kernel, half);
  const b = k >= 0 ? -1 : firstNonFinite(bias, half);
  if ((k < 0 && b < 0) || inputsNonFinite(block)) return;
  const rows = bias.length;
  const per = rows === 0 ? 1 : kernel.length / rows;
  // OIHW: channel o holds values [o per, (o + 1) per); HWIO: the output channel is the innermost axis.
  const kernelChannel = hwio ? k % Math.max(rows, 1) : Math.floor(k / per);
  const [tensor, channel, value] = k >= 0 ? ["weight", from + kernelChannel, kernel[k]!] : ["bias", from + b, bias[b]!];
  const shown = half === undefined ? String(value) : `bit pattern 0x${value.toString(16)} (${half})`;
  throw new ReparamError("CORE_NON_FINITE", `the fused ${tensor} of block '${block.name}' has a non-finite value`, {
    where: `block '${block.name}', fused ${tensor}, output channel ${channel}`,
    expected: "finite values (the block's kernels, biases and BatchNorms are all finite)",
    found: shown,
    hint:
      half === undefined
        ? "this is a bug in the fusion: please report it with the model"
        : `the fused value does not fit ${half}: convert with --dtype f32`,
  });
}
