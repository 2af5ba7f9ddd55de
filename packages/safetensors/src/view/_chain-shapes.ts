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
 * A depthwise kernel stored as `[kh, kw]` for every one of the `channels`
 * (`hw`) or `[channels, kh, kw]` (`ohw`), seen as OIHW `[channels, 1, kh, kw]`;
 * no bias or BatchNorm.
 */
function laidOut(s: RawChainStage, channels: number, block: string, float: (k: string) => TensorInfo): ConvKeys {
  const stored = float(s.weight).shape;
  const hw = s.kernelOf === "hw";
  const ok = hw ? stored.length === 2 : stored.length === 3 && stored[0] === channels;
  if (!ok || s.bias !== undefined || s.bn !== undefined)
    throw mismatch(
      block,
      JSON.stringify(s.weight),
      hw ? "one [kh, kw] kernel, no bias or BatchNorm" : `[${channels}, kh, kw] kernels, no bias or BatchNorm`,
      `[${stored.join(",")}]`,
    );
  const [kh, kw] = hw ? stored : stored.slice(1);
  return { weight: s.weight, shape: [channels, 1, kh!, kw!] };
}

/** A factor on a conv's output: one value, or one per channel. */
function checkScale(key: string, o: number, block: string, float: (k: string) => TensorInfo): void {
  const shape = float(key).shape;
  const size = shape.reduce((n, d) => n * d, 1);
  if ((size !== 1 && size !== o) || shape.filter((d) => d !== 1).length > 1)
    throw mismatch(block, JSON.stringify(key), `one value, or one per channel (${o})`, `[${shape.join(",")}]`);
}

/**
 * A chain's convs with shapes and groups: the first reads the block's `c`
 * input channels, each next one the channels before it, in whole groups
 * (groups = channels in / `shape[1]`); a factor on a conv's output has one
 * value or one per output channel; a tensor added to a kernel has its
 * shape; the chain's extent, 1 + the sum of (k - 1) per axis, is odd (it is
 * centred on the block's kernel).
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
  const out = stages.map((s): ChainStageKeys => {
    const keys = s.kernelOf === undefined ? conv(s) : laidOut(s, channels, block, float);
    const [o, per, kh, kw] = keys.shape;
    const groups = channels / per;
    if (!Number.isInteger(groups) || o % groups !== 0)
      throw mismatch(
        block,
        JSON.stringify(s.weight),
        `a kernel that reads the ${channels} channels before it in whole groups`,
        `[${keys.shape.join(",")}]`,
      );
    if (s.scale !== undefined) checkScale(s.scale, o, block, float);
    const stored = float(s.weight).shape.join(",");
    if (s.plus !== undefined && float(s.plus).shape.join(",") !== stored)
      throw mismatch(
        block,
        JSON.stringify(s.plus),
        `the shape of ${JSON.stringify(s.weight)} ([${stored}])`,
        `[${float(s.plus).shape.join(",")}]`,
      );
    extent[0]! += kh - 1;
    extent[1]! += kw - 1;
    channels = o;
    return {
      ...keys,
      groups,
      ...(s.scale === undefined ? {} : { scale: s.scale }),
      ...(s.plus === undefined ? {} : { plus: s.plus }),
      ...(s.kernelOf === undefined ? {} : { kernelOf: s.kernelOf }),
    };
  });
  if (extent[0]! % 2 === 0 || extent[1]! % 2 === 0)
    throw mismatch(
      block,
      JSON.stringify(out[out.length - 1]!.weight),
      "a chain of odd extent (it is centred)",
      extent.join("x"),
    );
  return out;
}
