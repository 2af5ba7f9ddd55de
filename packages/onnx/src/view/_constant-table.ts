import type { BufferPool } from "@reparam/core";
import type { FoldableConstant } from "./_fold-constant.js";
import { create } from "@bufbuild/protobuf";
import {
  TensorProtoSchema,
  TensorProto_DataType as DT,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "onnx-buf";
import { isOnnxDomain, tensorAttribute } from "../codec/_attributes.js";
import { floatValues } from "../codec/_float-values.js";
import { loadedTensor } from "../codec/lazy-data.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import { elementCount } from "../codec/tensor-byte-length.js";
import { tensorValues } from "../codec/tensor-values.js";
import { dequantizedConstant } from "./_dequantized-constant.js";
import { type ExactValue, foldedConstant, storedExact } from "./_fold-constant.js";
import { planFold } from "./_fold-node.js";
import type { FoldInput } from "./_fold-tensor.js";
import { topologicalOrder } from "./topological-order.js";

/** A value of the graph known before it runs: an initializer, a Constant, or a node the constant folder evaluates (see {@link constantTable}). */
export type OnnxConstant = FoldableConstant;

const FLOATS: ReadonlySet<number> = new Set([DT.FLOAT, DT.FLOAT16, DT.BFLOAT16, DT.DOUBLE]);

/** True for FLOAT, FLOAT16, BFLOAT16 and DOUBLE. */
export function isFloatType(dataType: number): boolean {
  return FLOATS.has(dataType);
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

/** Dims a graph declares for a value (inputs, outputs, value_info) when every dim is a number. */
function declaredDims(graph: GraphProto): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) {
    const t = v.type?.value;
    if (t?.case !== "tensorType" || t.value.shape === undefined) continue;
    const dims = t.value.shape.dim.map((d) =>
      d.value.case === "dimValue" && d.value.value >= 0n ? Number(d.value.value) : -1,
    );
    if (dims.every((d) => d >= 0)) out.set(v.name, dims);
  }
  return out;
}

/**
 * Every constant value of a graph by name, folded as onnx-simplifier folds
 * them: initializers, Constant nodes, Identity of a constant,
 * DequantizeLinear of an integer initializer (marked `quantized`), and
 * every node of an op in `FOLDED_OPS` (_fold-node.ts) whose inputs are all constant
 * (Shape: whose input's dims are all known or declared), unless its
 * output would exceed the folder's limits (see `MAX_FOLD_ELEMENTS`): it then
 * stays an ordinary node. Folded floats are computed in float64 from the
 * exact inputs and rounded once, by a Cast or where the constant is read
 * (to its type); integers are exact.
 * Initializers that are also graph inputs (an input may override them) are
 * left out unless `withInputs`; then they are in, their `graphInputs` naming
 * them (and so on for what is made from them).
 * External data must already be loaded; data left in the model file (see
 * `setLazyData`) is read by `load` and `readFloats`. `readFloats` reads
 * such data, or copies unaligned float32 data, into buffers of `pool` when
 * given.
 *
 * @param opset - the version of the default domain (Squeeze, Unsqueeze, Slice and Pad moved attributes to inputs).
 */
export function constantTable(
  graph: GraphProto,
  pool?: BufferPool,
  withInputs = false,
  opset = 13,
): Map<string, OnnxConstant> {
  const inputs = new Set(graph.input.map((v) => v.name));
  const table = new Map<string, OnnxConstant>();
  const exacts = new Map<string, ExactValue>();
  const add = (name: string, c: OnnxConstant, exact = storedExact(c)) => {
    table.set(name, c);
    exacts.set(name, exact);
  };
  const initializers = new Map(graph.initializer.filter((t) => !inputs.has(t.name)).map((t) => [t.name, t] as const));
  const dimsOf = (t: TensorProto) => {
    elementCount(t.dims, `tensor '${t.name}'`);
    return t.dims.map(Number);
  };
  for (const t of graph.initializer) {
    const input = inputs.has(t.name);
    if ((input && !withInputs) || dtypeOf(t.dataType) === undefined) continue;
    add(t.name, {
      dims: dimsOf(t),
      dataType: t.dataType,
      nodes: [],
      graphInputs: input ? [t.name] : [],
      ...tensorReads(t, pool),
    });
  }
  const declared = declaredDims(graph);
  for (const node of topologicalOrder(graph)) {
    const out = node.output[0];
    if (!isOnnxDomain(node) || node.output.length !== 1 || out === undefined || out === "" || inputs.has(out)) continue;
    if (node.opType === "Constant" && node.input.length === 0) {
      const t = constantTensor(node);
      if (t === undefined || dtypeOf(t.dataType) === undefined) continue;
      add(out, { dims: dimsOf(t), dataType: t.dataType, nodes: [node], graphInputs: [], ...tensorReads(t, pool) });
      continue;
    }
    if (node.opType === "DequantizeLinear") {
      const dq = dequantizedConstant(node, initializers, table);
      if (dq !== undefined) add(out, dq);
      continue;
    }
    const srcs = node.input.map((i) => table.get(i));
    if (node.opType === "Identity") {
      const src = srcs[0];
      if (node.input.length === 1 && src !== undefined)
        add(out, { ...src, nodes: [...src.nodes, node] }, exacts.get(node.input[0]!));
      continue;
    }
    if (srcs.some((c, i) => c === undefined && node.input[i] !== "" && node.opType !== "Shape")) continue;
    const ins = node.input.map((name, i): FoldInput | undefined => {
      const c = srcs[i];
      const exact = exacts.get(name);
      if (c !== undefined && exact !== undefined) return { dims: c.dims, dataType: c.dataType, read: exact.read };
      const dims = node.opType === "Shape" ? declared.get(name) : undefined;
      if (dims === undefined) return undefined;
      return {
        dims,
        dataType: DT.UNDEFINED,
        read: () => {
          throw new TypeError("only the dims of a Shape's input are known");
        },
      };
    });
    const plan = planFold(node, ins, opset);
    if (plan === undefined) continue;
    const { constant, exact } = foldedConstant(
      node,
      plan,
      srcs,
      node.input.map((i) => exacts.get(i)),
    );
    add(out, constant, exact);
  }
  return table;
}
