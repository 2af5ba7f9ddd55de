import { narrowBFloat16, narrowFloat16 } from "@reparam/core";
import { encodeSafetensorsBytes } from "../src/index.js";
import type { SafetensorsEntry } from "../src/index.js";
import type { SafetensorsDtype } from "../src/codec/dtype.js";

/** One tensor of a state dict built in a test: float values and a shape. */
export interface TestTensor {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
  readonly dtype?: SafetensorsDtype;
}

function bytesOf(t: TestTensor): Uint8Array {
  const dtype = t.dtype ?? "F32";
  if (dtype === "F32") return new Uint8Array(Float32Array.from(t.values).buffer);
  if (dtype === "F64") return new Uint8Array(Float64Array.from(t.values).buffer);
  if (dtype === "F16") return new Uint8Array(Uint16Array.from(Array.from(t.values, narrowFloat16)).buffer);
  if (dtype === "BF16") return new Uint8Array(Uint16Array.from(Array.from(t.values, narrowBFloat16)).buffer);
  if (dtype === "I64") return new Uint8Array(BigInt64Array.from(Array.from(t.values, (v) => BigInt(v))).buffer);
  throw new Error(`test dtype ${dtype}`);
}

/** Encodes a state dict given as name -> tensor (F32 unless said). */
export function stateDict(
  tensors: Readonly<Record<string, TestTensor>>,
  metadata: Record<string, string> = { format: "pt" },
): Promise<Uint8Array> {
  const entries: SafetensorsEntry[] = Object.entries(tensors).map(([name, t]) => ({
    name,
    dtype: t.dtype ?? "F32",
    shape: t.shape,
    data: bytesOf(t),
  }));
  return encodeSafetensorsBytes(entries, { metadata });
}

/** `n` values from a seeded generator in [lo, hi). */
export function values(rand: () => number, n: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** A random BatchNorm under `path` for `c` channels (with num_batches_tracked). */
export function bnTensors(path: string, c: number, rand: () => number): Record<string, TestTensor> {
  return {
    [`${path}.weight`]: { shape: [c], values: values(rand, c, 0.5, 1.5) },
    [`${path}.bias`]: { shape: [c], values: values(rand, c, -0.2, 0.2) },
    [`${path}.running_mean`]: { shape: [c], values: values(rand, c, -0.2, 0.2) },
    [`${path}.running_var`]: { shape: [c], values: values(rand, c, 0.5, 2) },
    [`${path}.num_batches_tracked`]: { shape: [], values: [100], dtype: "I64" },
  };
}

/** A conv weight under `path` ([o, i, kh, kw]). */
export function convTensor(
  path: string,
  shape: readonly [number, number, number, number],
  rand: () => number,
): Record<string, TestTensor> {
  return { [`${path}.weight`]: { shape, values: values(rand, shape[0] * shape[1] * shape[2] * shape[3]) } };
}

/** An official RepVGG block under `prefix` (with identity when asked). */
export function repvggBlock(
  prefix: string,
  i: number,
  o: number,
  identity: boolean,
  rand: () => number,
  groups = 1,
): Record<string, TestTensor> {
  return {
    ...convTensor(`${prefix}rbr_dense.conv`, [o, i / groups, 3, 3], rand),
    ...bnTensors(`${prefix}rbr_dense.bn`, o, rand),
    ...convTensor(`${prefix}rbr_1x1.conv`, [o, i / groups, 1, 1], rand),
    ...bnTensors(`${prefix}rbr_1x1.bn`, o, rand),
    ...(identity ? bnTensors(`${prefix}rbr_identity`, o, rand) : {}),
  };
}
