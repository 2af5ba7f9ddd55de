import { type Tensor4, batchNorm, conv2d, randomBatchNorm, randomFloat32 } from "@reparam/test-utils";
import { type TestTensor, stateDict } from "./_state-dict.js";
import { tensorsOf } from "./_rename.js";

/** A BatchNorm's float32 statistics and the eps to run it with. */
export type Bn = ReturnType<typeof randomBatchNorm>;

/** Builds a random float32 state dict and keeps the values for a naive forward pass. */
export class Dict {
  readonly tensors: Record<string, TestTensor> = {};
  constructor(
    readonly rand: () => number,
    readonly eps = 1e-5,
  ) {}

  /** Adds `${path}.weight` of an OIHW shape (and `.bias` when asked). */
  conv(
    path: string,
    shape: readonly [number, number, number, number],
    withBias = false,
  ): { weight: Float32Array; shape: typeof shape; bias?: Float32Array } {
    const weight = randomFloat32(this.rand, shape[0] * shape[1] * shape[2] * shape[3], -0.5, 0.5);
    this.tensors[`${path}.weight`] = { shape, values: weight };
    if (!withBias) return { weight, shape };
    const bias = randomFloat32(this.rand, shape[0], -0.2, 0.2);
    this.tensors[`${path}.bias`] = { shape: [shape[0]], values: bias };
    return { weight, shape, bias };
  }

  /** Adds a BatchNorm's five keys under `path`. */
  bn(path: string, c: number): Bn {
    const bn = randomBatchNorm(this.rand, c, this.eps);
    this.tensors[`${path}.weight`] = { shape: [c], values: bn.gamma };
    this.tensors[`${path}.bias`] = { shape: [c], values: bn.beta };
    this.tensors[`${path}.running_mean`] = { shape: [c], values: bn.mean };
    this.tensors[`${path}.running_var`] = { shape: [c], values: bn.variance };
    this.tensors[`${path}.num_batches_tracked`] = { shape: [], values: [7], dtype: "I64" };
    return bn;
  }

  /** Adds any other tensor (passed through by the conversion). */
  other(name: string, shape: readonly number[]): void {
    this.tensors[name] = {
      shape,
      values: randomFloat32(
        this.rand,
        shape.reduce((a, b) => a * b, 1),
      ),
    };
  }

  bytes(): Promise<Uint8Array> {
    return stateDict(this.tensors);
  }
}

/** conv (centred pads k // 2) then optional BN, the naive way. */
export function convBn(
  x: Tensor4,
  c: { weight: Float32Array; shape: readonly [number, number, number, number]; bias?: Float32Array },
  bn: Bn | undefined,
  stride: number,
  groups: number,
): Tensor4 {
  const [, , kh, kw] = c.shape;
  const y = conv2d(x, {
    weight: { data: c.weight, shape: c.shape },
    ...(c.bias === undefined ? {} : { bias: c.bias }),
    stride: [stride, stride],
    pads: [kh >> 1, kw >> 1, kh >> 1, kw >> 1],
    groups,
  });
  return bn === undefined ? y : batchNorm(y, bn);
}

/** Runs the converted model's deploy conv `${name}.weight/bias` (F32) on x; groups from the input channels. */
export async function deployForward(bytes: Uint8Array, name: string, x: Tensor4, stride: number): Promise<Tensor4> {
  const t = await tensorsOf(bytes);
  const w = t.get(`${name}.weight`);
  const b = t.get(`${name}.bias`);
  if (w === undefined || b === undefined) throw new Error(`no deploy conv ${name}`);
  const shape = w.shape as [number, number, number, number];
  const weight = new Float32Array(w.bytes.buffer);
  return convBn(x, { weight, shape, bias: new Float32Array(b.bytes.buffer) }, undefined, stride, x.shape[1] / shape[1]);
}

/** A random NCHW input. */
export function randomInput(rand: () => number, c: number, h: number, w: number): Tensor4 {
  return { data: Float64Array.from(randomFloat32(rand, c * h * w)), shape: [1, c, h, w] };
}
