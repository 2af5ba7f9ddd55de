import { bytesSource } from "@reparam/core";
import { buildModel, encodeModel, intAttr, intsAttr } from "@reparam/onnx";
import { decodeSafetensors } from "@reparam/safetensors";
import type { BlockSpec } from "../block-spec.js";
import { onnxBlockModel } from "../onnx/onnx-block-model.js";
import { onnxStyleFor } from "../onnx/onnx-style.js";
import { runOnnx } from "../onnx/run-onnx.js";
import type { ModelFiles, Nchw } from "../spelling.js";
import { floatValuesOf } from "./_tensor-bytes.js";

/** Every float tensor of a safetensors file, widened to float64, with its shape. */
export async function readStateDict(
  bytes: Uint8Array,
): Promise<Map<string, { shape: readonly number[]; dtype: string; values: Float64Array }>> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const out = new Map<string, { shape: readonly number[]; dtype: string; values: Float64Array }>();
  for (const t of file.tensors) {
    if (t.dtype === "I64") continue;
    out.set(t.name, { shape: t.shape, dtype: t.dtype, values: floatValuesOf(await file.readTensor(t.name), t.dtype) });
  }
  return out;
}

/**
 * Runs a deploy conv (OIHW weight and bias from a state dict) on onnxruntime
 * with the geometry a state dict does not hold, from the block's spec:
 * stride, pads k // 2 (the families' convention), groups C / weight.shape[1];
 * then the block's ReLU. Values are exact in float32 whatever the file's dtype.
 */
export async function runDeployConv(
  weight: { shape: readonly number[]; values: Float64Array },
  bias: Float64Array,
  spec: BlockSpec,
  x: Nchw,
): Promise<Nchw> {
  const [o, per, kh, kw] = weight.shape as [number, number, number, number];
  const s = spec.stride;
  const attrs = {
    kernel_shape: intsAttr([kh, kw]),
    strides: intsAttr([s, s]),
    pads: intsAttr([kh >> 1, kw >> 1, kh >> 1, kw >> 1]),
    group: intAttr(spec.inChannels / per),
  };
  const relu = spec.activation === "relu";
  const model = buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, spec.inChannels, ...spec.inputSize] }],
    outputs: [{ name: "y" }],
    nodes: [
      { op: "Conv", inputs: ["x", "w", "b"], outputs: [relu ? "z" : "y"], attrs },
      ...(relu ? [{ op: "Relu", inputs: ["z"], outputs: ["y"] }] : []),
    ],
    initializers: [
      { name: "w", dims: [o, per, kh, kw], data: Float32Array.from(weight.values) },
      { name: "b", dims: [o], data: Float32Array.from(bias) },
    ],
  });
  return runOnnx({ main: "deploy.onnx", files: new Map([["deploy.onnx", encodeModel(model)]]) }, x);
}

/** Runs a train-time block (values as read back from a state dict) as an ONNX Conv -> BatchNormalization graph, float32. */
export function runTrainBlock(spec: BlockSpec, x: Nchw): Promise<Nchw> {
  const style = onnxStyleFor(
    { opset: 13, pads: "attr", constants: "initializer", dtype: "float32", bn: "node", foldConvBn: false },
    spec.seed,
  );
  return runOnnx({ main: "train.onnx", files: new Map([["train.onnx", encodeModel(onnxBlockModel(spec, style))]]) }, x);
}

/** The files' main state dict. */
export function mainBytes(model: ModelFiles): Uint8Array {
  const bytes = model.files.get(model.main);
  if (bytes === undefined) throw new Error(`no file '${model.main}'`);
  return bytes;
}
