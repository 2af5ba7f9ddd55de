import { create } from "@bufbuild/protobuf";
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type ModelProto,
  type ValueInfoProto,
} from "onnx-buf";
import { tensorDataBytes } from "./_tensor-data-bytes.js";
import { makeAttribute, type AttributeValue } from "./attribute-value.js";
import { makeTensor } from "./make-tensor.js";
import type { TensorData } from "./tensor-data.js";
import { dataTypeOf, type OnnxDType } from "./onnx-dtype.js";

/** A graph input or output: a tensor of `type` (default float32); `dims` may name symbolic dims; no dims, no shape. */
export interface ValueSpec {
  readonly name: string;
  readonly dims?: readonly (number | string)[];
  readonly type?: OnnxDType;
}

/** A node: `op` in the default domain unless `domain` says otherwise; `name` defaults to `<op>_<index>`. */
export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttributeValue>>;
  readonly name?: string;
  readonly domain?: string;
}

/** A constant, row-major in `dims` order; `type` defaults to the one `data` implies. */
export interface InitializerSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: TensorData;
  readonly type?: OnnxDType;
}

/** Everything {@link buildModel} needs; nodes in topological order. */
export interface ModelSpec {
  /** Opset of the default ONNX domain. */
  readonly opset: number;
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly InitializerSpec[];
  /** Defaults to the IR version the onnx release that introduced `opset` wrote. */
  readonly irVersion?: number;
  /** Graph name, default "graph". */
  readonly name?: string;
}

/**
 * Builds a small `ModelProto` from a plain description, for tests and for
 * validation models. Initializers are written to `raw_data`; attribute
 * values come from the `*Attr` helpers. Throws `ONNX_TENSOR_SIZE` when an
 * initializer's data does not match its dims, `ONNX_BAD_SPEC` when it does
 * not fit its type. The graph is not checked: see {@link checkGraph}.
 */
export function buildModel(spec: ModelSpec): ModelProto {
  const initializer = (spec.initializers ?? []).map((t) => {
    const { dtype, bytes } = tensorDataBytes(t.data, t.type, `initializer '${t.name}'`);
    return makeTensor(t.name, t.dims, dataTypeOf(dtype), bytes);
  });
  const node = spec.nodes.map((n, i) =>
    create(NodeProtoSchema, {
      name: n.name ?? `${n.op}_${i}`,
      opType: n.op,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => makeAttribute(k, v)),
      ...(n.domain === undefined ? {} : { domain: n.domain }),
    }),
  );
  const graph = create(GraphProtoSchema, {
    name: spec.name ?? "graph",
    node,
    initializer,
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
  });
  return create(ModelProtoSchema, {
    irVersion: BigInt(spec.irVersion ?? irVersionFor(spec.opset)),
    producerName: "reparam",
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: BigInt(spec.opset) })],
    graph,
  });
}

function valueInfo(v: ValueSpec): ValueInfoProto {
  const dim = (d: number | string) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === "number" ? { case: "dimValue", value: BigInt(d) } : { case: "dimParam", value: d },
    });
  const tensorType = create(TypeProto_TensorSchema, {
    elemType: dataTypeOf(v.type ?? "float32"),
    ...(v.dims === undefined ? {} : { shape: create(TensorShapeProtoSchema, { dim: v.dims.map(dim) }) }),
  });
  return create(ValueInfoProtoSchema, {
    name: v.name,
    type: create(TypeProtoSchema, { value: { case: "tensorType", value: tensorType } }),
  });
}

/** IR version written by the onnx release that introduced each opset (onnx's VERSION_TABLE). */
function irVersionFor(opset: number): number {
  const firsts: [opset: number, ir: number][] = [
    [25, 13],
    [24, 12],
    [23, 11],
    [21, 10],
    [19, 9],
    [15, 8],
    [12, 7],
    [11, 6],
    [10, 5],
    [9, 4],
  ];
  for (const [o, ir] of firsts) if (opset >= o) return ir;
  return 3;
}
