import { create } from "@bufbuild/protobuf";
import { narrowBFloat16, narrowFloat16, widenBFloat16, widenFloat16 } from "@reparam/core";
import {
  TensorProtoSchema,
  TensorProto_DataType as DT,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "onnx-buf";
import { intAttribute, isOnnxDomain, tensorAttribute } from "../codec/_attributes.js";
import type { BufferPool } from "../codec/_buffer-pool.js";
import { floatValues } from "../codec/_float-values.js";
import { loadedTensor } from "../codec/lazy-data.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import { elementCount } from "../codec/tensor-byte-length.js";
import { tensorValues, type FloatDType, type TensorValues } from "../codec/tensor-values.js";
import { constantTranspose } from "./_constant-transpose.js";
import { dequantizedConstant } from "./_dequantized-constant.js";
import { topologicalOrder } from "./topological-order.js";

/** A value of the graph known before it runs: an initializer, a Constant, Identity/Cast/Transpose of one, or Add of two. */
export interface OnnxConstant {
  readonly dims: readonly number[];
  /** Element type as its consumers see it (after any Cast). */
  readonly dataType: number;
  /** The Constant / Identity / Cast / Add nodes that make it, in order (empty for an initializer). */
  readonly nodes: readonly NodeProto[];
  /**
   * Initializers it is made from that are also graph inputs (a caller may
   * feed other values for them at run time: `keep_initializers_as_inputs`);
   * empty for a true constant.
   */
  readonly graphInputs: readonly string[];
  /** Integer initializers it dequantizes (`DequantizeLinear` of a QDQ model); absent for float storage. */
  readonly quantized?: readonly string[];
  /**
   * Its values, floats widened exactly to float64 (and rounded as a Cast
   * would), for the small constants read while the view is built (pads,
   * shapes): throws for a tensor whose data was left in the file.
   */
  read(): TensorValues;
  /** The same values, read from the file when they were left there (weights). */
  load(): Promise<TensorValues>;
  /** Its values as core takes them: FLOAT data as a Float32Array that may alias the model or a pooled buffer (never write it), other floats as `load` gives them. */
  readFloats(): Promise<Float32Array | Float64Array>;
}

const FLOATS: ReadonlySet<number> = new Set([DT.FLOAT, DT.FLOAT16, DT.BFLOAT16, DT.DOUBLE]);
const INTS: ReadonlySet<number> = new Set([DT.INT32, DT.INT64]);

/** True for FLOAT, FLOAT16, BFLOAT16 and DOUBLE. */
export function isFloatType(dataType: number): boolean {
  return FLOATS.has(dataType);
}

/** Rounds float64 values as a Cast to `to` does (to nearest, ties to even). */
function roundTo(values: Float64Array, to: number): Float64Array {
  const r =
    to === DT.FLOAT
      ? Math.fround
      : to === DT.FLOAT16
        ? (x: number) => widenFloat16(narrowFloat16(x))
        : to === DT.BFLOAT16
          ? (x: number) => widenBFloat16(narrowBFloat16(x))
          : undefined;
  return r === undefined ? values : values.map(r);
}

function floatsOf(v: TensorValues): Float64Array {
  if (v.dtype === "int32" || v.dtype === "int64") throw new TypeError("integer constant read as floats"); // callers check isFloatType
  return v.values;
}

function castValues(v: TensorValues, to: number): TensorValues {
  const dtype = dtypeOf(to)!;
  if (v.dtype === "int32" || v.dtype === "int64") {
    const big = Array.from(v.values as ArrayLike<number | bigint>, (x) => BigInt(x));
    return dtype === "int64"
      ? { dtype, values: BigInt64Array.from(big) }
      : { dtype: "int32", values: Int32Array.from(big, (x) => Number(BigInt.asIntN(32, x))) };
  }
  return { dtype: dtype as FloatDType, values: roundTo(v.values, to) };
}

/** The tensor a Constant node holds (`value`, `value_float(s)`, `value_int(s)`), or undefined. */
function constantTensor(node: NodeProto): TensorProto | undefined {
  const a = node.attribute[0];
  if (node.attribute.length !== 1 || a === undefined) return undefined;
  if (a.name === "value") return tensorAttribute(node, "value")?.t;
  const floats = (dims: number[], floatData: number[]) =>
    create(TensorProtoSchema, { dims: dims.map(BigInt), dataType: DT.FLOAT, floatData });
  const ints = (dims: number[], int64Data: bigint[]) =>
    create(TensorProtoSchema, { dims: dims.map(BigInt), dataType: DT.INT64, int64Data });
  if (a.name === "value_float") return floats([], [a.f]);
  if (a.name === "value_floats") return floats([a.floats.length], [...a.floats]);
  if (a.name === "value_int") return ints([], [a.i]);
  if (a.name === "value_ints") return ints([a.ints.length], [...a.ints]);
  return undefined;
}

/** The reads of a tensor's values: `read` from the message; `load` and `readFloats` read data left in the file first. */
function tensorReads(t: TensorProto, pool: BufferPool | undefined): Pick<OnnxConstant, "read" | "load" | "readFloats"> {
  return {
    read: () => tensorValues(t),
    load: async () => tensorValues(await loadedTensor(t)),
    readFloats: async () => floatValues(await loadedTensor(t, pool), pool),
  };
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `Add` of two float constants of one type and shape (an export without
 * constant folding: DBB's idconv1 kernel is Add(weight, Constant identity)).
 * The model adds in its type, so the constant is fl(a + b) in that type: the
 * float64 sum rounded once (exact for float32/16 and bfloat16: float64 has
 * more than twice their precision plus 2 bits, so rounding the float64 sum
 * again gives the correctly rounded sum).
 */
function constantSum(
  node: NodeProto,
  a: OnnxConstant | undefined,
  b: OnnxConstant | undefined,
): OnnxConstant | undefined {
  if (
    node.input.length !== 2 ||
    a === undefined ||
    b === undefined ||
    a.dataType !== b.dataType ||
    !FLOATS.has(a.dataType) ||
    !sameDims(a.dims, b.dims)
  )
    return undefined;
  const dtype = dtypeOf(a.dataType) as FloatDType;
  const sum = (x: Float64Array, y: Float64Array): Float64Array =>
    roundTo(
      x.map((v, i) => v + y[i]!),
      a.dataType,
    );
  const read = (): TensorValues => ({ dtype, values: sum(floatsOf(a.read()), floatsOf(b.read())) });
  const load = async (): Promise<TensorValues> => ({
    dtype,
    values: sum(floatsOf(await a.load()), floatsOf(await b.load())),
  });
  const readFloats = async () => {
    const values = floatsOf(await load());
    return a.dataType === DT.FLOAT ? Float32Array.from(values) : values;
  };
  const graphInputs = [...new Set([...a.graphInputs, ...b.graphInputs])];
  return {
    dims: a.dims,
    dataType: a.dataType,
    nodes: [...a.nodes, ...b.nodes, node],
    graphInputs,
    read,
    load,
    readFloats,
  };
}

/**
 * Every constant value of a graph by name: initializers, Constant nodes,
 * Identity or Cast (between float types, or between int32 and int64) of a
 * constant, Add of two float constants of one shape and type, Transpose
 * of a 2-D float constant, and
 * DequantizeLinear of an integer initializer (marked `quantized`).
 * Initializers that are also graph inputs (an input may override them) are
 * left out unless `withInputs`; then they are in, their `graphInputs` naming
 * them (and so on for what is made from them).
 * External data must already be loaded; data left in the model file (see
 * `setLazyData`) is read by `load` and `readFloats`. `readFloats` reads
 * such data, or copies unaligned float32 data, into buffers of `pool` when
 * given.
 */
export function constantTable(graph: GraphProto, pool?: BufferPool, withInputs = false): Map<string, OnnxConstant> {
  const inputs = new Set(graph.input.map((v) => v.name));
  const table = new Map<string, OnnxConstant>();
  const initializers = new Map(graph.initializer.filter((t) => !inputs.has(t.name)).map((t) => [t.name, t] as const));
  const dimsOf = (t: TensorProto) => {
    elementCount(t.dims, `tensor '${t.name}'`);
    return t.dims.map(Number);
  };
  for (const t of graph.initializer) {
    const input = inputs.has(t.name);
    if ((input && !withInputs) || dtypeOf(t.dataType) === undefined) continue;
    table.set(t.name, {
      dims: dimsOf(t),
      dataType: t.dataType,
      nodes: [],
      graphInputs: input ? [t.name] : [],
      ...tensorReads(t, pool),
    });
  }
  for (const node of topologicalOrder(graph)) {
    const out = node.output[0];
    if (!isOnnxDomain(node) || node.output.length !== 1 || out === undefined || out === "" || inputs.has(out)) continue;
    if (node.opType === "Constant" && node.input.length === 0) {
      const t = constantTensor(node);
      if (t === undefined || dtypeOf(t.dataType) === undefined) continue;
      table.set(out, {
        dims: dimsOf(t),
        dataType: t.dataType,
        nodes: [node],
        graphInputs: [],
        ...tensorReads(t, pool),
      });
      continue;
    }
    if (node.opType === "DequantizeLinear") {
      const dq = dequantizedConstant(node, initializers, table);
      if (dq !== undefined) table.set(out, dq);
      continue;
    }
    if (node.opType === "Add") {
      const sum = constantSum(node, table.get(node.input[0] ?? ""), table.get(node.input[1] ?? ""));
      if (sum !== undefined) table.set(out, sum);
      continue;
    }
    const src = node.input.length === 1 ? table.get(node.input[0]!) : undefined;
    if (src === undefined) continue;
    if (node.opType === "Identity") {
      table.set(out, { ...src, nodes: [...src.nodes, node] });
    } else if (node.opType === "Transpose") {
      const t = constantTranspose(node, src);
      if (t !== undefined) table.set(out, t);
    } else if (node.opType === "Cast") {
      const to = intAttribute(node, "to", Number.NaN);
      const ok = (FLOATS.has(src.dataType) && FLOATS.has(to)) || (INTS.has(src.dataType) && INTS.has(to));
      const load = async () => castValues(await src.load(), to);
      if (ok)
        table.set(out, {
          dims: src.dims,
          dataType: to,
          nodes: [...src.nodes, node],
          graphInputs: src.graphInputs,
          read: () => castValues(src.read(), to),
          load,
          readFloats: async () => floatsOf(await load()),
        });
    }
  }
  return table;
}
