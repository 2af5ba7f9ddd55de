import type { Candidate, GraphBlockMatch } from "@reparam/core";
import type { ModelProto } from "onnx-buf";
import type { OnnxGraphView } from "../view/onnx-graph-view.js";

/**
 * An ONNX model as the adapter holds it between decode and encode. Tensor
 * data is all in memory (external data loaded at decode); `proto` is never
 * changed by the adapter: encode writes a rewritten copy.
 */
export interface OnnxModel {
  readonly proto: ModelProto;
  /** Name of the main file it was read from. */
  readonly name: string;
  /** True when the input kept tensors in external data files. */
  readonly externalData: boolean;
  /** The blocks `findBlocks` returned, by candidate, with the view they were found in; read by encode. */
  readonly blocks: Map<Candidate, OnnxBlock>;
}

/** A block `findBlocks` found: the match, the view it was found in, and a quantized kernel the fused conv keeps. */
export interface OnnxBlock {
  readonly match: GraphBlockMatch;
  readonly graph: OnnxGraphView;
  /** The DequantizeLinear output the fused conv reads as its kernel (a QDQ block whose kernel the fusion leaves unchanged). */
  readonly keptKernel?: string;
}
