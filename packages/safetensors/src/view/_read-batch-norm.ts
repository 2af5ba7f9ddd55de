import { type BatchNorm, ReparamError } from "@reparam/core";
import { floatValues } from "../codec/_tensor-values.js";
import type { BatchNormKeys } from "./block-match.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

/** A 1-D float tensor's values in float64. */
export async function readVector(model: SafetensorsModel, key: string): Promise<Float64Array> {
  const info = model.tensors.get(key)!;
  return Float64Array.from(floatValues(await model.read(key), info.dtype));
}

/**
 * Reads a BatchNorm's statistics (gamma 1 and beta 0 for `affine=False`) with
 * the epsilon the state dict does not store.
 *
 * @throws ReparamError `SAFETENSORS_BAD_BN` for a NaN or infinite value, or a
 *   negative running variance: a broken checkpoint, not something to skip.
 */
export async function readBatchNorm(model: SafetensorsModel, keys: BatchNormKeys, eps: number): Promise<BatchNorm> {
  const mean = await readVector(model, keys.mean);
  const variance = await readVector(model, keys.variance);
  const gamma = keys.gamma === undefined ? new Float64Array(mean.length).fill(1) : await readVector(model, keys.gamma);
  const beta = keys.beta === undefined ? new Float64Array(mean.length) : await readVector(model, keys.beta);
  const named: [string | undefined, Float64Array][] = [
    [keys.gamma, gamma],
    [keys.beta, beta],
    [keys.mean, mean],
    [keys.variance, variance],
  ];
  for (const [key, values] of named) {
    const i = values.findIndex((v) => !Number.isFinite(v) || (values === variance && v < 0));
    if (key !== undefined && i >= 0) {
      throw new ReparamError("SAFETENSORS_BAD_BN", "a BatchNorm of a block has an unusable value", {
        where: `${JSON.stringify(key)}[${i}]`,
        expected: values === variance ? "a finite running variance >= 0" : "a finite number",
        found: String(values[i]),
        hint: "the checkpoint may be corrupt, or was saved mid-training with diverged statistics",
      });
    }
  }
  return { gamma, beta, mean, variance, eps };
}
