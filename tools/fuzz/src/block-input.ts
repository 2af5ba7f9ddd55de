import type { BlockSpec } from "./block-spec.js";
import { Rng } from "./rng.js";
import type { Nchw } from "./spelling.js";

/**
 * The input a block is checked on, deterministic from its seed: [1, C, H, W]
 * of values k / 256 with |k| <= 256, exact in float32, float16 and bfloat16
 * alike, so that every spelling feeds the runtime the same x.
 */
export function blockInput(spec: BlockSpec): Nchw {
  const rng = new Rng(spec.seed * 7 + 3);
  const [h, w] = spec.inputSize;
  const data = new Float32Array(spec.inChannels * h * w);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(-256, 256) / 256;
  return { data, shape: [1, spec.inChannels, h, w] };
}
