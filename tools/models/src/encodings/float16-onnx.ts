import { narrowFloat16Array } from "@reparam/core";
import {
  buildModel,
  intAttr,
  makeTensor,
  tensorValues,
  TensorProto_DataType as DT,
  type ModelProto,
} from "@reparam/onnx";

/** One Cast NodeProto (made through buildModel: this package does not depend on onnx-buf itself). */
const cast = (from: string, to: string, type: number) =>
  buildModel({
    opset: 13,
    inputs: [],
    outputs: [],
    nodes: [{ op: "Cast", inputs: [from], outputs: [to], attrs: { to: intAttr(type) }, name: `${to}_Cast` }],
  }).graph!.node[0]!;

/**
 * The model computed in float16, as onnxconverter-common's
 * `convert_float_to_float16(model, keep_io_types=True)` writes it: every
 * float32 initializer rounded once to float16, the float32 input cast to
 * float16 first (`<input>_float16`) and the float16 result cast back to the
 * float32 output last, stale value_info dropped. Changes `model` in place
 * and returns it.
 */
export function toFloat16Onnx(model: ModelProto): ModelProto {
  const graph = model.graph!;
  graph.initializer = graph.initializer.map((t) => {
    if (t.dataType !== DT.FLOAT) return t;
    const bits = narrowFloat16Array(tensorValues(t).values as Float64Array);
    return makeTensor(t.name, t.dims.map(Number), DT.FLOAT16, new Uint8Array(bits.buffer));
  });
  const inputs = new Map(graph.input.map((v) => [v.name, `${v.name}_float16`] as const));
  const outputs = new Map(graph.output.map((v) => [v.name, `${v.name}_float16`] as const));
  for (const node of graph.node) {
    node.input = node.input.map((i) => inputs.get(i) ?? i);
    node.output = node.output.map((o) => outputs.get(o) ?? o);
  }
  graph.node = [
    ...[...inputs].map(([from, to]) => cast(from, to, DT.FLOAT16)),
    ...graph.node,
    ...[...outputs].map(([to, from]) => cast(from, to, DT.FLOAT)),
  ];
  graph.valueInfo = [];
  return model;
}

/**
 * The model with its float32 weights stored float16 and cast back to float
 * where they are read (`<name>_float16` initializer + `Cast(to=FLOAT)`
 * giving `<name>`): half the bytes, computed in float32. Changes `model` in
 * place and returns it.
 */
export function toFloat16WeightsOnnx(model: ModelProto): ModelProto {
  const graph = model.graph!;
  const casts: ReturnType<typeof cast>[] = [];
  graph.initializer = graph.initializer.map((t) => {
    if (t.dataType !== DT.FLOAT) return t;
    const bits = narrowFloat16Array(tensorValues(t).values as Float64Array);
    casts.push(cast(`${t.name}_float16`, t.name, DT.FLOAT));
    return makeTensor(`${t.name}_float16`, t.dims.map(Number), DT.FLOAT16, new Uint8Array(bits.buffer));
  });
  graph.node = [...casts, ...graph.node];
  graph.valueInfo = [];
  return model;
}
