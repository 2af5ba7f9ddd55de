import {
  batchNormAffine,
  type Block,
  type Branch,
  type ConvGeometry,
  type Kernel,
  type SequentialBranch,
} from "@reparam/core";
import { buildModel, encodeModel, intAttr, intsAttr } from "@reparam/onnx";
import { GraphBuilder } from "./_graph-builder.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";

const OPSET = 13;

/** The runtime family that runs the models built here: they are ONNX graphs (see {@link runtimeFamilies}). */
export const BLOCK_MODEL_FAMILY: RuntimeFamilyName = "onnx";

type SequentialFirst = SequentialBranch["first"];

/**
 * A block in its train-time form as an ONNX model, input `x` [N, C, H, W],
 * output `y`: each branch as Conv (+bias) (+BatchNormalization), identity as
 * BatchNormalization(x) or x itself, average pools as AveragePool with
 * count_include_pad, DBB's sequential branch as 1x1 Conv -> (BN) -> kxk Conv;
 * branches summed with Add, then the post-BN. Pads go on the ops (ONNX takes
 * asymmetric pads); DBB's "first-output" padding, which pads each channel
 * with what the 1x1 (+BN) gives for a zero input v, is Pad(y - v, 0) + v.
 * A pre-BN is a BatchNormalization of x that every branch reads.
 * Weights are stored as float32.
 */
export function blockModel(block: Block, inputShape: readonly number[]): Uint8Array {
  const g = new GraphBuilder();
  addBlock(g, "x", block, "y");
  return encode(g, inputShape, ["x"], ["y"]);
}

/** Adds a block's train-time computation (see {@link blockModel}) reading `x`; its result is named `y`. */
function addBlock(g: GraphBuilder, x: string, block: Block, y: string): void {
  const input = block.preBn === undefined ? x : g.batchNorm(x, block.preBn);
  const outs = block.branches.map((b) => branch(g, input, b));
  const post = block.postBn;
  if (post === undefined) g.sum(outs, y);
  else g.node("Identity", [g.batchNorm(g.sum(outs, `${y}_sum`), post)], {}, y);
}

/** A single conv: its OIHW kernel, bias and geometry (a `FusedConv`, a `DeployConv`). */
export interface SingleConv extends ConvGeometry {
  readonly kernel: Kernel;
  readonly bias: ArrayLike<number>;
}

/** The fused conv as an ONNX model (one Conv, kernel and bias rounded once to float32), input `x`, output `y`. */
export function fusedConvModel(conv: SingleConv, inputShape: readonly number[]): Uint8Array {
  const g = new GraphBuilder();
  g.conv("x", conv.kernel, conv.bias, conv, "y");
  return encode(g, inputShape, ["x"], ["y"]);
}

/** Output names of {@link blockCheckModel}, in order. */
export const BLOCK_CHECK_OUTPUTS = ["branches", "fused", "branches_magnitude", "fused_magnitude"] as const;

/**
 * Everything one block's check runs, as one model (one session, one run per
 * sample): inputs `x` and `ax` (= |x|); outputs the block's branches and
 * `conv` on x, and their magnitude models (`magnitude.block`,
 * `magnitude.conv`: see `magnitudeBlock`) on |x|.
 */
export function blockCheckModel(
  block: Block,
  conv: SingleConv,
  magnitude: { readonly block: Block; readonly conv: SingleConv },
  inputShape: readonly number[],
): Uint8Array {
  const g = new GraphBuilder();
  const [branches, fused, mBranches, mFused] = BLOCK_CHECK_OUTPUTS;
  addBlock(g, "x", block, branches);
  g.conv("x", conv.kernel, conv.bias, conv, fused);
  addBlock(g, "ax", magnitude.block, mBranches);
  g.conv("ax", magnitude.conv.kernel, magnitude.conv.bias, magnitude.conv, mFused);
  return encode(g, inputShape, ["x", "ax"], BLOCK_CHECK_OUTPUTS);
}

function encode(
  g: GraphBuilder,
  inputShape: readonly number[],
  inputs: readonly string[],
  outputs: readonly string[],
): Uint8Array {
  const model = buildModel({
    opset: OPSET,
    inputs: inputs.map((name) => ({ name, dims: inputShape })),
    outputs: outputs.map((name) => ({ name })),
    nodes: g.nodes,
    initializers: g.initializers,
  });
  return encodeModel(model);
}

function branch(g: GraphBuilder, x: string, b: Branch): string {
  switch (b.kind) {
    case "conv": {
      const y = g.conv(x, b.kernel, b.bias, b);
      return b.bn === undefined ? y : g.batchNorm(y, b.bn);
    }
    case "identity":
      return b.bn === undefined ? x : g.batchNorm(x, b.bn);
    case "avgpool": {
      const attrs = {
        kernel_shape: intsAttr(b.size),
        strides: intsAttr(b.stride),
        pads: intsAttr(b.pads),
        count_include_pad: intAttr(1),
      };
      const y = g.node("AveragePool", [x], attrs);
      return b.bn === undefined ? y : g.batchNorm(y, b.bn);
    }
    case "sequential": {
      const unit = { stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: b.groups };
      let y = g.conv(x, b.first.kernel, b.first.bias, unit);
      if (b.first.bn !== undefined) y = g.batchNorm(y, b.first.bn);
      const padded = b.padding === "first-output";
      if (padded) y = padWithZeroResponse(g, y, b.first, b.pads);
      const z = g.conv(y, b.second.kernel, b.second.bias, padded ? { ...b, pads: [0, 0, 0, 0] } : b);
      return b.second.bn === undefined ? z : g.batchNorm(z, b.second.bn);
    }
  }
}

/** Pads [N, M, H, W] by `pads` with v[m] = the first conv's (+BN) output for a zero input: Pad(y - v, 0) + v. */
function padWithZeroResponse(g: GraphBuilder, y: string, first: SequentialFirst, pads: readonly number[]): string {
  const m = first.kernel.shape[0];
  const v = new Float64Array(m);
  for (let c = 0; c < m; c++) v[c] = first.bias?.[c] ?? 0;
  if (first.bn !== undefined) {
    const { scale, shift } = batchNormAffine(first.bn);
    for (let c = 0; c < m; c++) v[c] = v[c]! * scale[c]! + shift[c]!;
  }
  const vName = g.constant("pad_value", [1, m, 1, 1], v);
  const [top, left, bottom, right] = pads as [number, number, number, number];
  const padsName = g.constant64("pads", [0, 0, top, left, 0, 0, bottom, right]);
  const padded = g.node("Pad", [g.node("Sub", [y, vName]), padsName]);
  return g.node("Add", [padded, vName]);
}
