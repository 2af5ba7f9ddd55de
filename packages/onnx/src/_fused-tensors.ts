import { create } from "@bufbuild/protobuf";
import { fuseToFloat32, narrowBFloat16Array, narrowFloat16Array, type Block, type FusedConv, type FusePlan } from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import { hostLittleEndian } from "./_little-endian.js";
import type { PendingData } from "./_pending-data.js";
import { tensorDataBytes } from "./_tensor-data-bytes.js";
import type { TensorData } from "./build-model.js";
import { dtypeOf } from "./onnx-dtype.js";
import { tensorByteLength } from "./tensor-byte-length.js";

/** One block to fuse, as core's fuse decision gives it: its plan, its data, its float64 fusion. */
export interface FusionSource {
  readonly plan: FusePlan;
  load(): Promise<Block>;
  fused(): Promise<FusedConv>;
  /** Called with a block from `load` once it is fused and let go. */
  loaded?(block: Block): void;
}

/** The fused weight and bias initializers, with no data yet, and their pending data. */
export interface FusedTensors {
  readonly tensors: readonly [TensorProto, TensorProto];
  readonly pending: readonly [PendingData, PendingData];
}

/** float64 values rounded once, to nearest, ties to even, into the storage of `dataType`, as little-endian bytes. */
export function storedBytes(values: Float64Array, dataType: number, where: string): Uint8Array {
  const stored: TensorData = dataType === DT.FLOAT16 ? narrowFloat16Array(values) : dataType === DT.BFLOAT16 ? narrowBFloat16Array(values) : values;
  return tensorDataBytes(stored, dtypeOf(dataType), where).bytes; // FLOAT: rounded once when written; DOUBLE: exact
}

/** Both tensors' bytes: FLOAT fused straight into float32 storage (one rounding, as from float64), others from the float64 fusion. */
async function fusedBytes(source: FusionSource, dataType: number, weight: string, bias: string): Promise<[Uint8Array, Uint8Array]> {
  if (dataType === DT.FLOAT && hostLittleEndian) {
    const block = await source.load();
    const f = fuseToFloat32(block, source.plan);
    source.loaded?.(block);
    return [new Uint8Array(f.kernel.buffer, f.kernel.byteOffset, f.kernel.byteLength), new Uint8Array(f.bias.buffer, f.bias.byteOffset, f.bias.byteLength)];
  }
  const conv = await source.fused();
  return [storedBytes(conv.kernel.data, dataType, `initializer '${weight}'`), storedBytes(conv.bias, dataType, `initializer '${bias}'`)];
}

/**
 * The weight [O, I/g, kh, kw] and bias [O] initializers of a fused block, in
 * `dataType` (FLOAT, FLOAT16, BFLOAT16 or DOUBLE), each value rounded once
 * to nearest, ties to even. Their data is pending: the block is fused when
 * the first of the two is asked for, and each part is let go once taken,
 * so that a writer holds one fused block at a time.
 */
export function fusedTensors(source: FusionSource, dataType: number, weight: string, bias: string): FusedTensors {
  const dtype = dtypeOf(dataType);
  if (dtype === undefined || dtype === "int32" || dtype === "int64") throw new TypeError(`fused weights cannot be stored as data type ${dataType}`);
  const [o] = source.plan.kernelShape;
  const tensor = (name: string, dims: readonly number[]) => create(TensorProtoSchema, { name, dims: dims.map((d) => BigInt(d)), dataType });
  const w = tensor(weight, source.plan.kernelShape);
  const b = tensor(bias, [o]);
  let made: (Uint8Array | undefined)[] = [];
  const part = (k: 0 | 1, t: TensorProto): PendingData => ({
    byteLength: tensorByteLength(t.dims, dataType, `initializer '${t.name}'`),
    async bytes() {
      if (made[k] === undefined) made = await fusedBytes(source, dataType, weight, bias);
      const bytes = made[k]!;
      made[k] = undefined;
      return bytes;
    },
  });
  return { tensors: [w, b], pending: [part(0, w), part(1, b)] };
}
