import type { ByteSink } from "@reparam/core";
import { type ModelProto, buildModel } from "@reparam/onnx";
import type { Arch } from "../arch/arch.js";
import { deployArch } from "../arch/deploy-arch.js";
import { outputShape } from "../arch/output-shape.js";
import { encodeOnnxStream } from "./encode-onnx-stream.js";
import { onnxGraph } from "./onnx-graph.js";
import type { LazyTensor } from "./lazy-tensor.js";

/** Options of {@link emitOnnx} and {@link onnxModel}. */
export interface EmitOnnxOptions {
  readonly seed: number;
  /**
   * `train`: Conv -> BatchNormalization branches; `folded`: the PyTorch eval
   * export (Conv with bias, identity BN kept); `deploy`: the deploy form, one
   * Conv per block (random weights, not the fusion of the train form's).
   */
  readonly variant: "train" | "folded" | "deploy";
  /** Input height = width; default the architecture's. */
  readonly inputSize?: number;
  /** A symbolic batch dim `batch` instead of 1. */
  readonly dynamicBatch?: boolean;
}

/** ONNX opset written (as PyTorch's default exports of these models). */
export const ONNX_OPSET = 13;

/**
 * The model without initializers, and its initializers (drawn when written),
 * input `input` NCHW `[1 | batch, 3, size, size]` float32, output `output`.
 */
export function onnxParts(arch: Arch, o: EmitOnnxOptions): { model: ModelProto; initializers: readonly LazyTensor[] } {
  const a = o.variant === "deploy" ? deployArch(arch) : arch;
  const { nodes, initializers } = onnxGraph(a, o.variant === "folded" ? "folded" : "train", o.seed);
  const size = o.inputSize ?? arch.inputSize;
  const batch = o.dynamicBatch === true ? "batch" : 1;
  const model = buildModel({
    opset: ONNX_OPSET,
    name: arch.name,
    inputs: [{ name: "input", dims: [batch, arch.inChannels, size, size] }],
    outputs: [{ name: "output", dims: [batch, ...outputShape(arch, size)] }],
    nodes,
  });
  model.producerName = "@reparam-tools/models";
  return { model, initializers };
}

/**
 * Writes the ONNX model of `arch` to `sink`, streaming: one initializer's
 * bytes exist at a time (see {@link encodeOnnxStream}). Same seed, same bytes.
 *
 * @returns the number of bytes written.
 */
export function emitOnnx(arch: Arch, o: EmitOnnxOptions, sink: ByteSink): Promise<number> {
  const { model, initializers } = onnxParts(arch, o);
  return encodeOnnxStream(model, initializers, sink);
}

/** The whole `ModelProto` in memory (small models, tests): what {@link emitOnnx} writes. */
export function onnxModel(arch: Arch, o: EmitOnnxOptions): ModelProto {
  const { model, initializers } = onnxParts(arch, o);
  const graph = buildModel({
    opset: ONNX_OPSET,
    inputs: [],
    outputs: [],
    nodes: [],
    initializers: initializers.map((t) => {
      const b = t.bytes();
      const data = t.dataType === 7 ? new BigInt64Array(b.slice().buffer) : new Float32Array(b.slice().buffer);
      return { name: t.name, dims: t.dims, data };
    }),
  }).graph!;
  model.graph!.initializer = graph.initializer;
  return model;
}
