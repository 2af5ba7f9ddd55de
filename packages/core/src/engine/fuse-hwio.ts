import { batchNormAffine } from "../block/batch-norm.js";
import type { Block, ConvBranch } from "../block/block.js";
import { branchAccumulator } from "../branch/branch-kinds.js";
import { latticeOffset } from "./fuse-lattice.js";
import type { KernelShape } from "../block/kernel.js";
import type { FusePlan } from "../block/fuse-plan.js";
import { pairedScaler, vectorScaler } from "../wasm/scale-kernels.js";

/**
 * True when {@link fuseIntoHwio} can fuse the block: groups 1 throughout, the
 * first branch a conv covering the whole kernel, every other branch a 1x1
 * conv or the identity, all at one offset (RepVGG, QARepVGG, YOLO RepConv,
 * a conv+BN, dense).
 */
export function hwioFusable(block: Block<KernelShape>, plan: FusePlan): boolean {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const [lead, ...rest] = block.branches;
  if (plan.groups !== 1 || lead?.kind !== "conv" || lead.groups !== 1 || block.preBn !== undefined) return false;
  const [lo, li, lh, lw] = lead.kernel.shape;
  if (lo !== o || li !== iPer || lh !== kh || lw !== kw) return false;
  return latticeOffset(block, plan) !== undefined && rest.every((b) => b.kind !== "conv" || b.groups === 1);
}

type Rest =
  | { readonly conv: true; readonly data: Float32Array | Float64Array; readonly t: Float64Array }
  | { readonly conv: false; readonly v: Float64Array };

/**
 * {@link fuseInto} for kernels in TF's layout: every conv kernel's `data`
 * holds HWIO `[kh, kw, in, out]` values (its `shape` stays OIHW), and
 * `kernel` receives the fused HWIO kernel, so that TF.js models need no
 * transposes. Same float64 operations in the same order as `fuseInto`: the
 * same bits, in the other layout. Only for {@link hwioFusable} blocks.
 * Returns true when it proved every stored kernel value finite on the way
 * (its WebAssembly runs check what they store; the shared position is read back).
 */
export function fuseIntoHwio(
  block: Block,
  plan: FusePlan,
  kernel: Float32Array | Float64Array,
  bias: Float32Array | Float64Array,
): boolean {
  if (!hwioFusable(block, plan))
    throw new Error(`fuseIntoHwio: block ${block.name} is not a dense RepVGG-shaped block (check hwioFusable first)`);
  const [O, I, kh, kw] = plan.kernelShape;
  const P = kh * kw;
  // Per-channel factors and biases come from the branch accumulators, as in every engine.
  const accs = block.branches.map((b, k) =>
    branchAccumulator(b, plan.placements[k]!, plan, `${block.name} branch ${k}`),
  );
  const scales = accs.map((a) => Float64Array.from({ length: O }, (_, o) => a.scale(o)));
  const w0 = (block.branches[0] as ConvBranch).kernel.data;
  const t0 = scales[0]!;
  const post = block.postBn === undefined ? undefined : batchNormAffine(block.postBn, `${block.name} (post-BN)`);
  const rest: Rest[] = block.branches
    .slice(1)
    .map((b, k) =>
      b.kind === "conv" ? { conv: true, data: b.kernel.data, t: scales[k + 1]! } : { conv: false, v: scales[k + 1]! },
    );
  const convs = rest.filter((r): r is Extract<Rest, { conv: true }> => r.conv);
  const hasIdentity = convs.length < rest.length;
  const at = plan.placements[1];
  const center = at === undefined ? -1 : at.offsetY * kw + at.offsetX;
  const ps = post?.scale;
  // w0 t0 (ps), by output channel: one WebAssembly SIMD call per run of O values where it can (same bits).
  const scaled = O >= 64 ? vectorScaler(w0, kernel, t0, ps) : undefined;
  // The shared position with RepVGG's one 1x1: w0 t0 + d1 t1 (times ps), in WebAssembly too.
  const one = convs.length === 1 ? convs[0]! : undefined;
  const paired =
    scaled !== undefined && one !== undefined ? pairedScaler(w0, one.data, kernel, t0, one.t, ps) : undefined;
  let proven = scaled !== undefined;
  let s = 0; // sum of stored * 0 over the shared position: 0 exactly when all are finite
  for (let p = 0; p < P; p++) {
    if (p !== center && scaled !== undefined) {
      // A tap no 1x1 shares: its I runs of O values are contiguous, scaled in one pass.
      proven = scaled(p * I * O, p * I * O, I) && proven;
      continue;
    }
    // The shared tap with RepVGG's one 1x1: its I runs and the 1x1's are contiguous, in one pass.
    if (p === center && paired !== undefined) proven = paired(p * I * O, 0, p * I * O, I) && proven;
    for (let i = 0; i < I; i++) {
      const base = (p * I + i) * O;
      if (p !== center) {
        if (ps === undefined) for (let o = 0; o < O; o++) kernel[base + o] = w0[base + o]! * t0[o]!;
        else for (let o = 0; o < O; o++) kernel[base + o] = w0[base + o]! * t0[o]! * ps[o]!;
        continue;
      }
      // The position the 1x1 branches and the identity share (done above when `paired`, but for the
      // identity's value): lead value, then each branch in order.
      const src = i * O;
      if (paired === undefined && convs.length === 1) {
        // RepVGG's one 1x1 (the common case), without a loop over branches per value.
        const { data: d1, t: t1 } = convs[0]!;
        if (ps === undefined)
          for (let o = 0; o < O; o++) kernel[base + o] = w0[base + o]! * t0[o]! + d1[src + o]! * t1[o]!;
        else for (let o = 0; o < O; o++) kernel[base + o] = (w0[base + o]! * t0[o]! + d1[src + o]! * t1[o]!) * ps[o]!;
      } else if (paired === undefined) {
        for (let o = 0; o < O; o++) {
          let v = w0[base + o]! * t0[o]!;
          for (const c of convs) v += c.data[src + o]! * c.t[o]!;
          kernel[base + o] = ps === undefined ? v : v * ps[o]!;
        }
      }
      if (hasIdentity && i < O) {
        // Output channel i also reads its own input: recompute it with every branch in block order.
        let v = w0[base + i]! * t0[i]!;
        for (const r of rest) v += r.conv ? r.data[src + i]! * r.t[i]! : r.v[i]!;
        kernel[base + i] = ps === undefined ? v : v * ps[i]!;
        s += kernel[base + i]! * 0; // as stored: rounding may overflow
      }
      // Values stored by JavaScript, read back (WebAssembly's runs proved theirs as they stored them).
      if (proven && paired === undefined) for (let o = 0; o < O; o++) s += kernel[base + o]! * 0;
    }
  }
  for (let o = 0; o < O; o++) {
    let b = 0; // 0 + b0 + b1 ..., as the row engine sums
    for (const a of accs) b += a.bias(o);
    bias[o] = post === undefined ? b : b * post.scale[o]! + post.shift[o]!;
  }
  return proven && s === 0;
}
