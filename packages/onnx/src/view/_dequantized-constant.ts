import { TensorProto_DataType as DT, type NodeProto, type TensorProto } from "onnx-buf";
import { intAttribute } from "../codec/_attributes.js";
import type { TensorValues } from "../codec/tensor-values.js";

/** What this reads of the scale's constant (an `OnnxConstant`; not imported, so that the constant table can import this file). */
interface ScaleConstant {
  readonly dataType: number;
  readonly nodes: readonly NodeProto[];
  readonly graphInputs: readonly string[];
  read(): TensorValues;
}

/** The constant a DequantizeLinear makes: an `OnnxConstant` marked `quantized`. */
export interface DequantizedConstant extends ScaleConstant {
  readonly dims: readonly number[];
  readonly quantized: readonly string[];
  load(): Promise<TensorValues>;
  readFloats(): Promise<Float32Array>;
}

/** Integer storage types DequantizeLinear reads here: their typed-array views of `raw_data`. */
const INT_VIEWS: Readonly<Record<number, (b: Uint8Array) => ArrayLike<number>>> = {
  [DT.INT8]: (b) => new Int8Array(b.buffer, b.byteOffset, b.byteLength),
  [DT.UINT8]: (b) => b,
  [DT.INT16]: (b) => new Int16Array(b.slice().buffer),
  [DT.UINT16]: (b) => new Uint16Array(b.slice().buffer),
};

/** An integer initializer's values from its `raw_data`, or undefined (other storage, other type, wrong length). */
function intValues(t: TensorProto | undefined): { dims: number[]; values: ArrayLike<number> } | undefined {
  const view = t === undefined ? undefined : INT_VIEWS[t.dataType];
  if (t === undefined || view === undefined || t.rawData.byteLength === 0) return undefined;
  const dims = t.dims.map(Number);
  const values = view(t.rawData);
  return values.length === dims.reduce((a, b) => a * b, 1) ? { dims, values } : undefined;
}

/**
 * `DequantizeLinear(x, scale, zero_point)` of an integer initializer x with
 * constant float32 scale (per tensor, or per `axis` with one scale per
 * slice) and optional zero point: a constant whose values are what
 * onnxruntime computes, float32((x - zero_point) * scale). `quantized` names
 * x, so that a block reading it can be told apart (its weights are stored
 * quantized: fusing them would dequantize the model). Undefined for any
 * other form.
 */
export function dequantizedConstant(
  node: NodeProto,
  initializers: ReadonlyMap<string, TensorProto>,
  table: ReadonlyMap<string, ScaleConstant>,
): DequantizedConstant | undefined {
  if (node.input.length < 2 || node.input.length > 3) return undefined;
  const x = intValues(initializers.get(node.input[0]!));
  const scale = table.get(node.input[1]!);
  if (x === undefined || scale === undefined || scale.dataType !== DT.FLOAT) return undefined;
  const zpName = node.input[2] ?? "";
  const zp = zpName === "" ? { dims: [], values: [0] } : intValues(initializers.get(zpName));
  if (zp === undefined) return undefined;
  const s = scale.read();
  if (s.dtype !== "float32") return undefined;
  const perTensor = s.values.length === 1 && zp.values.length === 1;
  const rank = x.dims.length;
  const axis = intAttribute(node, "axis", 1);
  const a = axis < 0 ? axis + rank : axis;
  if (!perTensor && (a < 0 || a >= rank || s.values.length !== x.dims[a] || zp.values.length !== s.values.length))
    return undefined;
  // Elements per slice along the axis, and slices per step of the axis.
  const inner = perTensor ? 1 : x.dims.slice(a + 1).reduce((p, d) => p * d, 1);
  const count = perTensor ? 1 : x.dims[a]!;
  const values = new Float64Array(x.values.length);
  for (let i = 0; i < values.length; i++) {
    const k = perTensor ? 0 : Math.floor(i / inner) % count;
    values[i] = Math.fround((x.values[i]! - zp.values[k]!) * s.values[k]!);
  }
  const v: TensorValues = { dtype: "float32", values };
  return {
    dims: x.dims,
    dataType: DT.FLOAT,
    nodes: [...scale.nodes, node],
    graphInputs: scale.graphInputs,
    quantized: [node.input[0]!],
    read: () => v,
    load: async () => v,
    readFloats: async () => Float32Array.from(values),
  };
}
