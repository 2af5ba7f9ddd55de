import { ReparamError } from "@reparam/core";
import type { RawChainStage } from "./_match-branches.js";
import type { ChainStageKeys, ConvKeys } from "./block-match.js";
import type { TensorInfo } from "../codec/tensor-info.js";

function mismatch(block: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_SHAPE_MISMATCH", "the block's tensor shapes disagree", {
    where: `block ${JSON.stringify(block)}, ${where}`,
    expected,
    found,
  });
}

/**
 * A chain's convs with shapes and groups: the first reads the block's `c`
 * input channels, each next one the channels before it, in whole groups
 * (groups = channels in / `shape[1]`); a factor on a conv's output has one
 * value or one per output channel; the chain's extent, 1 + the sum of
 * (k - 1) per axis, is odd (it is centred on the block's kernel).
 *
 * @param conv - checks a conv's kernel, bias and BatchNorm and gives its keys with shape.
 * @param float - checks that a key is a float tensor and gives its info.
 * @throws ReparamError `SAFETENSORS_SHAPE_MISMATCH`.
 */
export function chainShapes(
  stages: readonly RawChainStage[],
  c: number,
  block: string,
  conv: (s: RawChainStage) => ConvKeys,
  float: (k: string) => TensorInfo,
): ChainStageKeys[] {
  let channels = c;
  const extent = [1, 1];
  return stages
    .map((s) => {
      const keys = conv(s);
      const [o, per, kh, kw] = keys.shape;
      const groups = channels / per;
      if (!Number.isInteger(groups) || o % groups !== 0)
        throw mismatch(
          block,
          JSON.stringify(s.weight),
          `a kernel that reads the ${channels} channels before it in whole groups`,
          `[${keys.shape.join(",")}]`,
        );
      if (s.scale !== undefined) {
        const shape = float(s.scale).shape;
        const size = shape.reduce((n, d) => n * d, 1);
        if ((size !== 1 && size !== o) || shape.filter((d) => d !== 1).length > 1)
          throw mismatch(
            block,
            JSON.stringify(s.scale),
            `one value, or one per channel (${o})`,
            `[${shape.join(",")}]`,
          );
      }
      extent[0]! += kh - 1;
      extent[1]! += kw - 1;
      channels = o;
      return { ...keys, groups, ...(s.scale === undefined ? {} : { scale: s.scale }) };
    })
    .map((s, i, all) => {
      if (i === all.length - 1 && (extent[0]! % 2 === 0 || extent[1]! % 2 === 0))
        throw mismatch(block, JSON.stringify(s.weight), "a chain of odd extent (it is centred)", extent.join("x"));
      return s;
    });
}
