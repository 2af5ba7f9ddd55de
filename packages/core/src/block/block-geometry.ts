import type { Block, Pads, Pair } from "./block.js";
import type { AxisView } from "../branch/branch-kind.js";
import { kindOf } from "../branch/branch-kinds.js";
import type { KernelShape } from "./kernel.js";
import type { Placement } from "./fuse-plan.js";
import { refusal, type Refusal } from "./refusal.js";

/** The fused conv's geometry and each branch's placement. */
export interface BlockGeometry {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly pads: Pads;
  readonly dilation: Pair;
  readonly placements: readonly Placement[];
}

type AxisResult =
  | { ok: true; k: number; d: number; begin: number; end: number; offsets: number[]; steps: number[] }
  | { ok: false; refusal: Refusal };

/**
 * The largest kernel extent (taps per axis) mixed dilations may spread into:
 * beyond any real large kernel (RepLKNet 31, SLaK 51), and small enough that
 * a hostile dilation cannot make the fused kernel huge.
 */
const MAX_SPREAD_EXTENT = 127;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The block dilation on one axis: the dilations' common one when every branch
 * offset lands on its grid (the common case: one dilation, or 1x1s at the
 * centre), else the finest grid that holds every tap of every branch (the gcd
 * of the dilations and offsets): dilated branches then become kernels with
 * zeros between their taps (UniRepLKNet's dilated branches).
 */
function blockDilation(views: readonly AxisView[], begin: number): number {
  const d0 = views.reduce((g, v) => (v.k > 1 ? gcd(g, v.d) : g), 0) || 1;
  if (views.every((v) => (begin - v.begin) % d0 === 0)) return d0;
  return views.reduce((g, v) => gcd(g, begin - v.begin), d0);
}

/**
 * Lines the branches up on one axis. Block begin pad = the largest branch
 * begin pad; branch b sits at pixel offset (begin - begin_b), which must be a
 * multiple of the block dilation, and its taps are (its dilation / the
 * block's) apart; only branches whose kind is `steppable` (conv, 1x1 -> kxk)
 * may be sparser than the block. With the input size n known, every branch
 * must give the same number of outputs and the end pad is the smallest that
 * covers the last window; without it, the end pad each branch implies must
 * agree.
 */
function alignAxis(
  name: string,
  views: readonly AxisView[],
  steppable: readonly boolean[],
  s: number,
  n: number | undefined,
  axisName: string,
): AxisResult {
  const begin = Math.max(...views.map((v) => v.begin));
  const d = blockDilation(views, begin);
  const offsets: number[] = [];
  const steps: number[] = [];
  let k = 1;
  for (const [i, v] of views.entries()) {
    const px = begin - v.begin;
    const step = v.d / d;
    if (v.k > 1 && step !== 1 && (!steppable[i] || !Number.isInteger(step))) {
      const dils = new Set(views.filter((u) => u.k > 1).map((u) => u.d));
      return {
        ok: false,
        refusal: refusal(
          name,
          "DILATION_MISMATCH",
          `branches have dilations ${[...dils].join(", ")} on ${axisName}; branch ${i} (dilation ${v.d}) would need its taps ${step} apart in a block of dilation ${d}, which its kind cannot place`,
        ),
      };
    }
    if (px % d !== 0) {
      return {
        ok: false,
        refusal: refusal(
          name,
          "DILATION_MISALIGNED",
          `a branch is offset by ${px} pixels on ${axisName}, not a multiple of dilation ${d}`,
        ),
      };
    }
    offsets.push(px / d);
    steps.push(v.k > 1 ? step : 1);
    k = Math.max(k, px / d + (v.k > 1 ? step : 1) * (v.k - 1) + 1);
  }
  if (steps.some((x) => x !== 1) && k > MAX_SPREAD_EXTENT)
    return {
      ok: false,
      refusal: refusal(
        name,
        "DILATION_MISMATCH",
        `dilations ${[...new Set(views.filter((u) => u.k > 1).map((u) => u.d))].join(", ")} on ${axisName} would spread into a ${k}-tap kernel (at most ${MAX_SPREAD_EXTENT})`,
      ),
    };
  const span = d * (k - 1); // extent of the block kernel minus one
  let end: number;
  if (n !== undefined) {
    const counts = views.map((v) => Math.floor((n + v.begin + v.end - v.d * (v.k - 1) - 1) / s) + 1);
    const count = counts[0]!;
    if (counts.some((c) => c !== count) || count < 1) {
      return {
        ok: false,
        refusal: refusal(
          name,
          "OUTPUT_SIZE_MISMATCH",
          `branches give ${counts.join(", ")} outputs on ${axisName} for input size ${n}`,
        ),
      };
    }
    end = Math.max(0, (count - 1) * s - begin + span + 1 - n);
    if (Math.floor((n + begin + end - span - 1) / s) + 1 !== count) {
      return {
        ok: false,
        refusal: refusal(
          name,
          "PADS_MISALIGNED",
          `no end pad on ${axisName} gives ${count} outputs for input size ${n}`,
        ),
      };
    }
  } else {
    const ends = views.map((v, i) => v.end + span - v.d * (v.k - 1) - offsets[i]! * d);
    end = ends[0]!;
    if (ends.some((e) => e !== end) || end < 0) {
      return {
        ok: false,
        refusal: refusal(
          name,
          "PADS_MISALIGNED",
          `branch pads do not line up on ${axisName} for every input size (implied end pads ${ends.join(", ")}); the input size would decide`,
        ),
      };
    }
  }
  return { ok: true, k, d, begin, end, offsets, steps };
}

/** A placement; steps are given only when a branch is sparser than the block. */
function placement(offsetY: number, offsetX: number, stepY: number, stepX: number): Placement {
  return stepY === 1 && stepX === 1 ? { offsetY, offsetX } : { offsetY, offsetX, stepY, stepX };
}

/** Computes the fused conv's geometry, or why the branches cannot share one. */
export function blockGeometry(
  block: Block<KernelShape>,
): { ok: true; geometry: BlockGeometry } | { ok: false; refusal: Refusal } {
  const gs = block.branches.map((b) => kindOf(b).geometry(b));
  const convLike = block.branches.map((b, i) => ({ b, g: gs[i]! })).filter(({ b }) => kindOf(b).strided);
  const stride = convLike.length > 0 ? convLike[0]!.g.stride : ([1, 1] as Pair);
  for (const { b, g } of convLike) {
    if (g.stride[0] !== stride[0] || g.stride[1] !== stride[1]) {
      return {
        ok: false,
        refusal: refusal(
          block.name,
          "STRIDE_MISMATCH",
          `branches have strides ${stride.join("x")} and ${g.stride.join("x")} (${b.kind})`,
        ),
      };
    }
  }
  if ((stride[0] !== 1 || stride[1] !== 1) && block.branches.some((b) => !kindOf(b).strided)) {
    return {
      ok: false,
      refusal: refusal(
        block.name,
        "IDENTITY_IMPOSSIBLE",
        `an identity branch cannot join branches of stride ${stride.join("x")}`,
      ),
    };
  }
  const steppable = block.branches.map((b) => kindOf(b).steppable);
  const h = alignAxis(
    block.name,
    gs.map((g) => g.axes[0]),
    steppable,
    stride[0],
    block.inputSize?.[0],
    "height",
  );
  if (!h.ok) return h;
  const w = alignAxis(
    block.name,
    gs.map((g) => g.axes[1]),
    steppable,
    stride[1],
    block.inputSize?.[1],
    "width",
  );
  if (!w.ok) return w;
  return {
    ok: true,
    geometry: {
      kernelSize: [h.k, w.k],
      stride,
      pads: [h.begin, w.begin, h.end, w.end],
      dilation: [h.d, w.d],
      placements: h.offsets.map((oy, i) => placement(oy, w.offsets[i]!, h.steps[i]!, w.steps[i]!)),
    },
  };
}
