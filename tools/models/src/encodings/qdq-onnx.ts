import {
  buildModel,
  intsAttr,
  makeTensor,
  tensorValues,
  TensorProto_DataType as DT,
  type ModelProto,
} from "@reparam/onnx";

/** One NodeProto (made through buildModel: this package does not depend on onnx-buf itself). */
const nodeProto = (op: string, inputs: string[], outputs: string[], name: string) =>
  buildModel({ opset: 13, inputs: [], outputs: [], nodes: [{ op, inputs, outputs, name }] }).graph!.node[0]!;

/**
 * The model with every Conv weight behind a `DequantizeLinear` (the QDQ
 * form onnxruntime's `quantize_static` writes for weights): int8, per
 * tensor, symmetric (zero point 0, scale max|W| / 127), the float weight
 * replaced by `<name>_quantized`, `<name>_scale` and `<name>_zero_point`.
 * Everything else stays float32. Changes `model` in place and returns it.
 */
export function toQdqOnnx(model: ModelProto): ModelProto {
  const graph = model.graph!;
  const byName = new Map(graph.initializer.map((t) => [t.name, t] as const));
  const nodes = [];
  const done = new Set<string>();
  for (const node of graph.node) {
    const w = node.opType === "Conv" ? byName.get(node.input[1] ?? "") : undefined;
    if (w !== undefined && w.dataType === DT.FLOAT) {
      const dq = `${w.name}_dequantized`;
      if (!done.has(w.name)) {
        done.add(w.name);
        const v = tensorValues(w).values as Float64Array;
        let m = 0;
        for (const x of v) m = Math.max(m, Math.abs(x));
        const scale = Math.fround(m > 0 ? m / 127 : 1);
        const q = Int8Array.from(v, (x) => Math.max(-127, Math.min(127, Math.round(x / scale))));
        graph.initializer.push(
          makeTensor(`${w.name}_quantized`, w.dims.map(Number), DT.INT8, new Uint8Array(q.buffer)),
          makeTensor(`${w.name}_scale`, [], DT.FLOAT, new Uint8Array(Float32Array.of(scale).buffer)),
          makeTensor(`${w.name}_zero_point`, [], DT.INT8, new Uint8Array(1)),
        );
        nodes.push(
          nodeProto(
            "DequantizeLinear",
            [`${w.name}_quantized`, `${w.name}_scale`, `${w.name}_zero_point`],
            [dq],
            `${w.name}_DequantizeLinear`,
          ),
        );
      }
      node.input[1] = dq;
    }
    nodes.push(node);
  }
  graph.node = nodes;
  graph.initializer = graph.initializer.filter((t) => !done.has(t.name));
  return model;
}

/**
 * A small QDQ model whose one block folds exactly through its
 * DequantizeLinear: input [1, 3, 8, 8] -> Conv(x, DequantizeLinear(int8
 * kernel [4, 3, 3, 3], per tensor), pads 1) -> Add(bias [1, 4, 1, 1]) ->
 * Relu -> output. Folding the Add leaves the kernel as it is (the fused conv
 * reads the same integers); only the bias is new.
 */
export function qdqBiasAddOnnx(): ModelProto {
  const q = Int8Array.from({ length: 4 * 3 * 9 }, (_, i) => ((i * 37) % 255) - 127);
  const model = buildModel({
    opset: 13,
    name: "qdq-bias-add",
    inputs: [{ name: "input", dims: [1, 3, 8, 8] }],
    outputs: [{ name: "output", dims: [1, 4, 8, 8] }],
    initializers: [
      { name: "conv.weight_scale", dims: [], data: Float32Array.of(0.01) },
      { name: "add.bias", dims: [1, 4, 1, 1], data: Float32Array.from({ length: 4 }, (_, i) => 0.25 * i - 0.3) },
    ],
    nodes: [
      {
        op: "DequantizeLinear",
        inputs: ["conv.weight_quantized", "conv.weight_scale"],
        outputs: ["conv.weight"],
        name: "conv.weight_DequantizeLinear",
      },
      {
        op: "Conv",
        inputs: ["input", "conv.weight"],
        outputs: ["conv"],
        name: "/conv/Conv",
        attrs: { pads: intsAttr([1, 1, 1, 1]) },
      },
      { op: "Add", inputs: ["conv", "add.bias"], outputs: ["add"], name: "/add/Add" },
      { op: "Relu", inputs: ["add"], outputs: ["output"], name: "/relu/Relu" },
    ],
  });
  model.graph!.initializer.unshift(
    makeTensor("conv.weight_quantized", [4, 3, 3, 3], DT.INT8, new Uint8Array(q.buffer)),
  );
  return model;
}
