import { ReparamError } from "@reparam/core";
import type { RawBlock } from "./_match-branches.js";
import type { TensorInfo } from "../codec/tensor-info.js";

function mismatch(block: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_SHAPE_MISMATCH", "the block's tensor shapes disagree", {
    where: `block ${JSON.stringify(block)}, ${where}`,
    expected,
    found,
  });
}

/**
 * Checks what the newer families add to a branch, from shapes alone:
 * - a scale (`alpha`, `layer_scale.gamma`) is one value or one per output
 *   channel (`[O]`, `[O, 1, 1]`): anything else has no exact fold;
 * - a conv whose key names its kernel size and dilation (UniRepLKNet's
 *   `dil_conv_k5_2`) has that size, and its dilated extent (k - 1) * r + 1
 *   fits in the main kernel, as UniRepLKNet requires (the deploy
 *   `lk_origin` keeps the main kernel's size).
 *
 * @param float - checks that a key is a float tensor and returns its info.
 * @throws ReparamError `SAFETENSORS_SHAPE_MISMATCH`, `SAFETENSORS_UNSUPPORTED_DTYPE`.
 */
export function checkBranchExtras(
  raw: RawBlock,
  info: (k: string) => TensorInfo,
  block: string,
  o: number,
  float: (k: string) => TensorInfo,
): void {
  const main = raw.branches[0];
  if (main?.kind !== "conv") return;
  const [, , mh, mw] = info(main.conv.weight).shape as [number, number, number, number];
  for (const b of raw.branches) {
    const key = "scale" in b ? b.scale?.key : undefined;
    if (key !== undefined) {
      const shape = float(key).shape;
      const size = shape.reduce((n, d) => n * d, 1);
      const perChannel = shape[0] === o && shape.slice(1).every((d) => d === 1);
      if (size !== 1 && !perChannel)
        throw mismatch(
          block,
          JSON.stringify(key),
          `one value, or one per output channel ([${o}] or [${o}, 1, 1])`,
          `[${shape.join(", ")}]`,
        );
    }
    if (b.kind !== "conv" || b.named === undefined) continue;
    const [, , kh, kw] = info(b.conv.weight).shape as [number, number, number, number];
    const { k, r = 1 } = b.named;
    if (k !== undefined && (kh !== k || kw !== k))
      throw mismatch(block, JSON.stringify(b.conv.weight), `a ${k}x${k} kernel (as its name says)`, `${kh}x${kw}`);
    if (r < 1 || (kh - 1) * r + 1 > mh || (kw - 1) * r + 1 > mw)
      throw mismatch(
        block,
        JSON.stringify(b.conv.weight),
        `a dilated extent (k - 1) * r + 1 within the main ${mh}x${mw} kernel`,
        `${kh}x${kw} at dilation ${r}: ${(kh - 1) * r + 1}x${(kw - 1) * r + 1}`,
      );
  }
}
