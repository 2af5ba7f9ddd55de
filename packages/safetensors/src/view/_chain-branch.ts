import { type ComposedChain, type ChainStage, ReparamError, composeChain, foldBatchNorm } from "@reparam/core";
import { readBatchNorm, readVector } from "./_read-batch-norm.js";
import { scaleBatchNorm } from "./_scale-batch-norm.js";
import { floatValues } from "../codec/_tensor-values.js";
import type { ChainStageKeys } from "./block-match.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

/**
 * A chain conv's kernel values, OIHW: a `hw` kernel repeated for every
 * channel, an `ohw` one as it is (the same order), plus the tensor `plus`
 * adds (OREPA's `id_tensor`), in float64.
 */
async function kernelValues(model: SafetensorsModel, s: ChainStageKeys): Promise<Float32Array | Float64Array> {
  const read = async (k: string) => floatValues(await model.read(k), model.tensors.get(k)!.dtype);
  const stored = await read(s.weight);
  let data: Float32Array | Float64Array = stored;
  if (s.kernelOf === "hw") {
    data = new Float64Array(s.shape[0] * stored.length);
    for (let o = 0; o < s.shape[0]; o++) data.set(stored, o * stored.length);
  }
  if (s.plus === undefined) return data;
  const plus = await read(s.plus);
  return Float64Array.from(data, (v, i) => v + plus[i]!);
}

/**
 * One conv of a chain as core's `composeChain` takes it: its kernel with
 * the factor on its output (ECBSR's `scale`, before the bias) and its
 * BatchNorm folded in by core's `foldBatchNorm`, in float64.
 */
async function stageOf(model: SafetensorsModel, s: ChainStageKeys, eps: number): Promise<ChainStage> {
  let kernel = { data: await kernelValues(model, s), shape: s.shape };
  let bias: ArrayLike<number> = s.bias === undefined ? new Float64Array(s.shape[0]) : await readVector(model, s.bias);
  if (s.scale !== undefined) {
    const factor = scaleBatchNorm(undefined, await readVector(model, s.scale), false, s.shape[0]);
    const scaled = foldBatchNorm(kernel, undefined, factor, s.scale);
    kernel = scaled.kernel;
  }
  if (s.bn !== undefined) {
    const folded = foldBatchNorm(kernel, bias, await readBatchNorm(model, s.bn, eps), s.bn.variance);
    kernel = folded.kernel;
    bias = folded.bias;
  }
  return { kernel, bias, stride: [1, 1], dilation: [1, 1], groups: s.groups, pads: [0, 0, 0, 0], name: s.weight };
}

/**
 * A chain branch collapsed into one conv by core's `composeChain`: x padded
 * with zeros by the chain's centred extent, every conv unpadded, stride 1
 * (see `ChainRule`). Its kernels are read now (chains are small).
 *
 * @throws ReparamError `SAFETENSORS_SHAPE_MISMATCH` when core refuses the chain.
 */
export async function composeChainBranch(
  model: SafetensorsModel,
  stages: readonly ChainStageKeys[],
  eps: number,
  block: string,
): Promise<ComposedChain> {
  const read: ChainStage[] = [];
  for (const s of stages) read.push(await stageOf(model, s, eps));
  const ph = read.reduce((n, s) => n + s.kernel.shape[2] - 1, 0) / 2;
  const pw = read.reduce((n, s) => n + s.kernel.shape[3] - 1, 0) / 2;
  read[0] = { ...read[0]!, pads: [ph, pw, ph, pw] };
  const r = composeChain(read, `block ${JSON.stringify(block)}`);
  if ("reason" in r)
    throw new ReparamError("SAFETENSORS_SHAPE_MISMATCH", "the block's chain of convs does not compose", {
      where: `block ${JSON.stringify(block)}, ${stages.map((s) => JSON.stringify(s.weight)).join(" -> ")}`,
      expected: "convs that compose into one",
      found: r.message,
    });
  return r;
}
