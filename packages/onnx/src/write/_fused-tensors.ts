import { create } from "@bufbuild/protobuf";
import {
  type Block,
  type FusedArrays,
  type FusedDtype,
  type FusePlan,
  type FuseTarget,
  type BufferPool,
  FUSED_BYTES,
  fusedStorageIn,
  hostLittleEndian,
} from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import type { PendingData } from "./_pending-data.js";
import { tensorDataBytes } from "../codec/_tensor-data-bytes.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import { tensorByteLength } from "../codec/tensor-byte-length.js";

/** One block to fuse, as core's fuse decision gives it: its plan and its data. */
export interface FusionSource {
  readonly plan: FusePlan;
  load(): Promise<Block>;
  /** The decision's `fuse`: core's `fuseTo` with the plan, counted toward progress. */
  fuse(block: Block, target: FuseTarget): FusedArrays;
  /** Called with a block from `load` once it is fused and let go. */
  loaded?(block: Block): void;
  /** Memory for fused kernels, handed back by the writer once written (`PendingData.done`); fresh arrays without it. */
  readonly output?: BufferPool;
}

/** The fused weight and bias initializers, with no data yet, and their pending data. */
export interface FusedTensors {
  readonly tensors: readonly [TensorProto, TensorProto];
  readonly pending: readonly [PendingData, PendingData];
}

const CORE_DTYPE: Partial<Record<number, FusedDtype>> = {
  [DT.FLOAT]: "f32",
  [DT.DOUBLE]: "f64",
  [DT.FLOAT16]: "f16",
  [DT.BFLOAT16]: "bf16",
};

/** [o, i] values as [i, o] (moved, not changed). */
function swapped<T extends Float32Array | Float64Array | Uint16Array>(a: T, o: number, i: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length);
  for (let r = 0; r < o; r++) for (let c = 0; c < i; c++) out[c * o + r] = a[r * i + c]!;
  return out;
}

/** Both tensors' bytes: core's `fuseTo` straight into the storage dtype (one rounding from float64, finiteness checked). */
async function fusedBytes(
  source: FusionSource,
  dataType: number,
  weight: string,
  bias: string,
  transposed: boolean,
): Promise<[Uint8Array, Uint8Array]> {
  const block = await source.load();
  const dtype = CORE_DTYPE[dataType]!;
  const [o, i, kh, kw] = source.plan.kernelShape;
  const n = o * i * kh * kw;
  const kernel =
    source.output === undefined || transposed
      ? undefined
      : fusedStorageIn(source.output.take(n * FUSED_BYTES[dtype]), dtype, n);
  const fused = source.fuse(block, kernel === undefined ? { dtype } : { dtype, kernel });
  source.loaded?.(block);
  const f = transposed ? { ...fused, kernel: swapped(fused.kernel, o, i) } : fused;
  const bytes = (a: Float32Array | Float64Array | Uint16Array, where: string) =>
    hostLittleEndian
      ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
      : tensorDataBytes(a, dtypeOf(dataType), where).bytes;
  return [bytes(f.kernel, `initializer '${weight}'`), bytes(f.bias, `initializer '${bias}'`)];
}

/**
 * The weight [O, I/g, kh, kw] and bias [O] initializers of a fused block, in
 * `dataType` (FLOAT, FLOAT16, BFLOAT16 or DOUBLE), each value rounded once
 * to nearest, ties to even. Their data is pending: the block is fused when
 * the first of the two is asked for, and each part is let go once taken,
 * so that a writer holds one fused block at a time. With `linear` the
 * weight is Gemm's [O, I] (transB = 1): the same values, 1x1 dims dropped;
 * with `transposed` too, MatMul's [I, O].
 */
export function fusedTensors(
  source: FusionSource,
  dataType: number,
  weight: string,
  bias: string,
  linear = false,
  transposed = false,
): FusedTensors {
  if (CORE_DTYPE[dataType] === undefined)
    throw new TypeError(`fused weights cannot be stored as data type ${dataType}`);
  const [o] = source.plan.kernelShape;
  const tensor = (name: string, dims: readonly number[]) =>
    create(TensorProtoSchema, { name, dims: dims.map((d) => BigInt(d)), dataType });
  const [rows, cols] = source.plan.kernelShape;
  const w = tensor(weight, linear ? (transposed ? [cols, rows] : [rows, cols]) : source.plan.kernelShape);
  const b = tensor(bias, [o]);
  let made: (Uint8Array | undefined)[] = [];
  const pool = source.output;
  const part = (k: 0 | 1, t: TensorProto): PendingData => ({
    byteLength: tensorByteLength(t.dims, dataType, `initializer '${t.name}'`),
    async bytes() {
      if (made[k] === undefined) made = await fusedBytes(source, dataType, weight, bias, transposed);
      const bytes = made[k]!;
      made[k] = undefined;
      return bytes;
    },
    ...(k === 0 && pool !== undefined ? { done: (bytes: Uint8Array) => pool.reuse([bytes]) } : {}),
  });
  return { tensors: [w, b], pending: [part(0, w), part(1, b)] };
}
