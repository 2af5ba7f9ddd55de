import type { RefusalReason } from "@reparam/core";
import type { RawBlock } from "./_match-branches.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/** Why a matched block is left as it is (its keys copied unchanged). */
export interface MatchRefusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

function refuse(reason: RefusalReason, where: string, expected: string, found: string): MatchRefusal {
  return { reason, message: `${where}: expected ${expected}, found ${found}` };
}

/**
 * Checks what the newer families add to a branch, from shapes alone, and
 * says why the block must be left unfused when it cannot be written:
 * - a scale (`alpha`, `layer_scale.gamma`), and the post-sum affine's
 *   scale and bias (PP-LCNetV3's `lab`), is one value or one per output
 *   channel as it broadcasts over NCHW (`[O, 1, 1]`, `[1, O, 1, 1]`; a 1-D
 *   `[O]` would scale the width): anything else has no fold into one conv;
 * - a conv whose key names its kernel size and dilation (UniRepLKNet's
 *   `dil_conv_k5_2`) has that size, and its dilated extent (k - 1) * r + 1
 *   fits in the main kernel, as UniRepLKNet requires (the deploy
 *   `lk_origin` keeps the main kernel's size).
 *
 * @param float - checks that a key is a float tensor and returns its info.
 * @returns the first reason to refuse the block, or undefined.
 * @throws ReparamError `SAFETENSORS_UNSUPPORTED_DTYPE` (from `float`).
 */
export function checkBranchExtras(
  raw: RawBlock,
  info: (k: string) => TensorInfo,
  o: number,
  float: (k: string) => TensorInfo,
): MatchRefusal | undefined {
  const main = raw.branches[0];
  if (main?.kind !== "conv") return undefined;
  const [, , mh, mw] = info(main.conv.weight).shape as [number, number, number, number];
  const affine = raw.postAffine === undefined ? [] : [raw.postAffine.scale, raw.postAffine.bias];
  const factors = [
    ...raw.branches.map((b) => ("scale" in b ? b.scale : undefined)),
    ...affine.map((key) => ({ key, row: undefined })),
  ];
  for (const f of factors) {
    const key = f?.key;
    if (key === undefined) continue;
    const shape = float(key).shape;
    if (f?.row !== undefined) {
      // OREPA's vector: one row per branch, one value per output channel.
      if (shape.length !== 2 || shape[1] !== o || f.row >= shape[0]!)
        return refuse(
          "CHANNEL_MISMATCH",
          JSON.stringify(key),
          `[rows, ${o}] with a row ${f.row}`,
          `[${shape.join(", ")}]`,
        );
      continue;
    }
    const size = shape.reduce((n, d) => n * d, 1);
    const channelAxis = shape.length - 3;
    const perChannel =
      shape.length >= 3 && shape.length <= 4 && shape.every((d, i) => d === (i === channelAxis ? o : 1));
    if (size !== 1 && !perChannel)
      return refuse(
        "CHANNEL_MISMATCH",
        JSON.stringify(key),
        `one value, or one per output channel ([${o}, 1, 1] or [1, ${o}, 1, 1])`,
        `[${shape.join(", ")}]`,
      );
  }
  for (const b of raw.branches) {
    if (b.kind !== "conv" || b.named === undefined) continue;
    const [, , kh, kw] = info(b.conv.weight).shape as [number, number, number, number];
    const { k, r = 1 } = b.named;
    if (k !== undefined && (kh !== k || kw !== k))
      return refuse(
        "CHANNEL_MISMATCH",
        JSON.stringify(b.conv.weight),
        `a ${k}x${k} kernel (as its name says)`,
        `${kh}x${kw}`,
      );
    // The deploy conv keeps the main kernel's size (UniRepLKNet's lk_origin): a larger extent cannot be written there.
    if (r < 1 || (kh - 1) * r + 1 > mh || (kw - 1) * r + 1 > mw)
      return refuse(
        "FORMAT_UNSUPPORTED",
        JSON.stringify(b.conv.weight),
        `a dilated extent (k - 1) * r + 1 within the main ${mh}x${mw} kernel`,
        `${kh}x${kw} at dilation ${r}: ${(kh - 1) * r + 1}x${(kw - 1) * r + 1}`,
      );
  }
  return undefined;
}
