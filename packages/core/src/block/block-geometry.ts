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
  | { ok: true; k: number; d: number; begin: number; end: number; offsets: number[] }
  | { ok: false; refusal: Refusal };

/**
 * Lines the branches up on one axis. Block begin pad = the largest branch
 * begin pad; branch b sits at pixel offset (begin - begin_b), which must be a
 * multiple of the block dilation. With the input size n known, every branch
 * must give the same number of outputs and the end pad is the smallest that
 * covers the last window; without it, the end pad each branch implies must agree.
 */
function alignAxis(
  name: string,
  views: readonly AxisView[],
  s: number,
  n: number | undefined,
  axisName: string,
): AxisResult {
  const dils = new Set(views.filter((v) => v.k > 1).map((v) => v.d));
  if (dils.size > 1)
    return {
      ok: false,
      refusal: refusal(name, "DILATION_MISMATCH", `branches have dilations ${[...dils].join(", ")} on ${axisName}`),
    };
  const d = dils.size === 1 ? [...dils][0]! : 1;
  const begin = Math.max(...views.map((v) => v.begin));
  const offsets: number[] = [];
  let k = 1;
  for (const v of views) {
    const px = begin - v.begin;
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
    k = Math.max(k, px / d + v.k);
  }
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
  return { ok: true, k, d, begin, end, offsets };
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
  const h = alignAxis(
    block.name,
    gs.map((g) => g.axes[0]),
    stride[0],
    block.inputSize?.[0],
    "height",
  );
  if (!h.ok) return h;
  const w = alignAxis(
    block.name,
    gs.map((g) => g.axes[1]),
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
      placements: h.offsets.map((oy, i) => ({ offsetY: oy, offsetX: w.offsets[i]! })),
    },
  };
}
