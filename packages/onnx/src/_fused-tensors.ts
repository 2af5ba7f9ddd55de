import { narrowBFloat16Array, narrowFloat16Array, type FusedConv } from "@reparam/core";
import { TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import { tensorDataBytes } from "./_tensor-data-bytes.js";
import type { TensorData } from "./build-model.js";
import { makeTensor } from "./make-tensor.js";
import { dtypeOf } from "./onnx-dtype.js";

/** float64 values rounded once into the storage of `dataType`. */
function stored(values: Float64Array, dataType: number): TensorData {
  if (dataType === DT.FLOAT16) return narrowFloat16Array(values);
  if (dataType === DT.BFLOAT16) return narrowBFloat16Array(values);
  return values; // FLOAT: rounded once when written as float32; DOUBLE: exact
}

/**
 * The weight [O, I/g, kh, kw] and bias [O] initializers of a fused conv, in
 * `dataType` (FLOAT, FLOAT16, BFLOAT16 or DOUBLE), each float64 value
 * rounded once to nearest, ties to even.
 */
export function fusedTensors(conv: FusedConv, dataType: number, weight: string, bias: string): [TensorProto, TensorProto] {
  const dtype = dtypeOf(dataType);
  if (dtype === undefined || dtype === "int32" || dtype === "int64") throw new TypeError(`fused weights cannot be stored as data type ${dataType}`);
  const w = tensorDataBytes(stored(conv.kernel.data, dataType), dtype, `initializer '${weight}'`);
  const b = tensorDataBytes(stored(conv.bias, dataType), dtype, `initializer '${bias}'`);
  return [makeTensor(weight, conv.kernel.shape, dataType, w.bytes), makeTensor(bias, [conv.bias.length], dataType, b.bytes)];
}
