import type { RegionOp } from "./region-spec.js";

/** True when `after` starts with Add / Sub constants that end the chain (no BN or scale after them). */
function shiftOnly(after: readonly RegionOp[]): boolean {
  let n = 0;
  while (n < after.length && after[n]!.kind === "affine") {
    const op = after[n]!;
    if (op.kind === "affine" && (op.op === "Mul" || op.op === "Div")) return false;
    n++;
  }
  return n > 0 && after[n]?.kind !== "bn";
}

/**
 * Spellings and forms a region holds that the report counts apart (a class
 * is asserted collapsed only where none of its tags is listed as not yet
 * collapsed); `known`: those the generator saw (mixed-dilation,
 * dilated-seq, frame):
 * - `div`: a Div by a constant;
 * - `const-sub`: c - x by a constant;
 * - `flat-const`: a per-channel constant over [N, C] (an affine's [C] or
 *   [1, C], a MatMul's bias Add);
 * - `frame-pad`: a Pad whose constant is not zero (a uniform bias-valued frame);
 * - `pool-frame`: an average pool reading such a Pad of a conv's output (the conv's bias as the frame);
 * - `mixed-dilation`: a sum whose branches dilate differently (beyond 1x1);
 * - `dilated-seq`: a sum with a 1x1 -> kxk branch whose kxk is dilated;
 * - `frame`: a padding proved border-exact around an earlier unit's output
 *   (a sequence's frame: zeros after a bias-free conv, a constant or
 *   bias-valued frame);
 * - `pre-affine`: a Mul, Add, Sub or Div before the first conv or Linear;
 * - `linear-shift`: a Linear followed by Add / Sub constants only (read as its bias, left alone).
 */
export function regionTags(ops: readonly RegionOp[], flat: boolean, known: readonly string[]): string[] {
  const tags = new Set<string>(known);
  let weighted = false;
  for (const op of ops) {
    if (op.kind === "affine") {
      if (op.op === "Div") tags.add("div");
      if (op.op === "Sub" && op.constFirst) tags.add("const-sub");
      if (flat && op.value.length > 1) tags.add("flat-const");
      if (!weighted) tags.add("pre-affine");
    }
    if (op.kind === "linear" && op.spelling === "matmul" && op.bias !== undefined) tags.add("flat-const");
    if (op.kind === "linear" && shiftOnly(ops.slice(ops.indexOf(op) + 1))) tags.add("linear-shift");
    if (op.kind === "pad" && op.value !== 0) tags.add("frame-pad");
    if (op.kind === "pool") {
      const framed = ops.find((p) => p.out === op.input);
      const from = framed?.kind === "pad" && framed.value !== 0 ? ops.find((p) => p.out === framed.input) : undefined;
      if (from?.kind === "conv") tags.add("pool-frame");
    }
    if (op.kind === "conv" || op.kind === "linear") weighted = true;
  }
  return [...tags].sort();
}
