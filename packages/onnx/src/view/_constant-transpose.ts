import { TensorProto_DataType as DT, type NodeProto } from "onnx-buf";
import { intsAttribute } from "../codec/_attributes.js";
import type { TensorValues } from "../codec/tensor-values.js";

/** The parts of a constant (`OnnxConstant`) a transpose reads and makes. */
interface Constant {
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly nodes: readonly NodeProto[];
  readonly graphInputs: readonly string[];
  read(): TensorValues;
  load(): Promise<TensorValues>;
  readFloats(): Promise<Float32Array | Float64Array>;
}

const FLOATS: ReadonlySet<number> = new Set([DT.FLOAT, DT.FLOAT16, DT.BFLOAT16, DT.DOUBLE]);

/** Rows and columns swapped: [r, c] -> [c, r] (float values; integers are not transposed here). */
function swap(v: TensorValues, rows: number, cols: number): TensorValues {
  if (v.dtype === "int32" || v.dtype === "int64") throw new TypeError("integer constant transposed"); // callers check isFloatType
  const out = new Float64Array(v.values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v.values[r * cols + c]!;
  return { dtype: v.dtype, values: out };
}

/**
 * `Transpose` of a 2-D float constant (perm absent or [1, 0]): what torch
 * exports for a Linear layer without constant folding, `MatMul(x,
 * Transpose(W))`. Moving values changes none of them. Undefined for any
 * other form.
 */
export function constantTranspose(node: NodeProto, src: Constant): Constant | undefined {
  const perm = intsAttribute(node, "perm") ?? [1, 0];
  if (src.dims.length !== 2 || perm[0] !== 1 || perm[1] !== 0 || perm.length !== 2 || !FLOATS.has(src.dataType))
    return undefined;
  const [rows, cols] = src.dims as [number, number];
  const load = async () => swap(await src.load(), rows, cols);
  return {
    dims: [cols, rows],
    dataType: src.dataType,
    nodes: [...src.nodes, node],
    graphInputs: src.graphInputs,
    read: () => swap(src.read(), rows, cols),
    load,
    readFloats: async () => {
      const v = (await load()).values as Float64Array;
      return src.dataType === DT.FLOAT ? Float32Array.from(v) : v;
    },
  };
}
