import { type ModelProto, buildModel } from "@reparam/onnx";
import type { BlockSpec, BranchSpec } from "../block-spec.js";
import { Rng } from "../rng.js";
import { OnnxGraph } from "./_onnx-graph.js";
import { OnnxOps } from "./_onnx-ops.js";
import type { OnnxStyle } from "./onnx-style.js";

const ZERO = [0, 0, 0, 0] as const;

function branch(ops: OnnxOps, spec: BlockSpec, b: BranchSpec): string {
  const geo = { stride: spec.stride, size: spec.inputSize };
  switch (b.kind) {
    case "conv": {
      const y = ops.conv("x", b.kernel, b.bias, { ...geo, pads: b.pads, groups: b.groups });
      return b.bn === undefined ? y : ops.batchNorm(y, b.bn);
    }
    case "identity":
      return b.bn === undefined ? "x" : ops.batchNorm("x", b.bn);
    case "avgpool": {
      const y = ops.avgPool("x", b.size, { ...geo, pads: b.pads });
      return b.bn === undefined ? y : ops.batchNorm(y, b.bn);
    }
    case "sequential": {
      // BNAndPad as Pad(0) -> [Add bias] -> BN: the BN maps each border zero to
      // the 1x1 (+bias) (+BN) output for a zero input, what BNAndPad writes there.
      let y = ops.conv("x", b.first.kernel, undefined, {
        stride: 1,
        pads: ZERO,
        groups: b.groups,
        size: spec.inputSize,
      });
      if (b.pads.some((p) => p !== 0)) y = ops.pad(y, b.pads);
      if (b.first.bias !== undefined) y = ops.addBias(y, b.first.bias);
      if (b.first.bn !== undefined) y = ops.batchNorm(y, b.first.bn);
      const [h, w] = spec.inputSize;
      const size = [h + b.pads[0] + b.pads[2], w + b.pads[1] + b.pads[3]] as const;
      if (b.pool !== undefined) {
        const z = ops.avgPool(y, b.pool.size, { stride: spec.stride, pads: ZERO, size });
        return b.pool.bn === undefined ? z : ops.batchNorm(z, b.pool.bn);
      }
      const second = b.second!;
      const z = ops.conv(y, second.kernel, second.bias, { stride: spec.stride, pads: ZERO, groups: b.groups, size });
      return second.bn === undefined ? z : ops.batchNorm(z, second.bn);
    }
  }
}

/** [H', W'] of the block's output (every branch gives the same). */
export function outputSize(spec: BlockSpec): [number, number] {
  const b = spec.branches[0]!;
  const s = spec.stride;
  const [h, w] = spec.inputSize;
  if (b.kind === "identity") return [h, w];
  const [kh, kw] =
    b.kind === "conv"
      ? b.kernel.shape.slice(2)
      : b.kind === "avgpool"
        ? b.size
        : (b.second?.kernel.shape.slice(2) ?? b.pool!.size);
  return [Math.floor((h + b.pads[0] + b.pads[2] - kh!) / s) + 1, Math.floor((w + b.pads[1] + b.pads[3] - kw!) / s) + 1];
}

/**
 * A block as an ONNX model in one style: input `x` [1, C, H, W], output `y`,
 * branches summed (Add chain or Sum), post-BN, ReLU. `spec` holds the values
 * as stored (see `storedOnnxSpec`): they are written as they are.
 */
export function onnxBlockModel(spec: BlockSpec, style: OnnxStyle): ModelProto {
  const g = new OnnxGraph(style);
  const ops = new OnnxOps(g, new Rng(spec.seed * 13 + 5));
  const outs = spec.branches.map((b) => branch(ops, spec, b));
  let y = outs[0]!;
  if (outs.length > 1) {
    if (style.sum === "sum-node") y = g.node("Sum", outs);
    else for (const o of outs.slice(1)) y = g.node("Add", [y, o]);
  }
  if (spec.postBn !== undefined) y = ops.batchNorm(y, spec.postBn);
  if (spec.activation === "relu") y = g.node("Relu", [y]);
  // The graph output is called `y`: rename the last tensor (made by the last node, read by none).
  const last = g.nodes[g.nodes.length - 1]!;
  g.nodes[g.nodes.length - 1] = { ...last, outputs: ["y"] };
  if (last.outputs[0] !== y) throw new Error("onnxBlockModel: the block output is not the last node's");
  const type = style.dtype;
  const graphInputs =
    style.constants === "graph-input"
      ? g.initializers.map((t) => ({ name: t.name, dims: t.dims, ...(t.type === undefined ? {} : { type: t.type }) }))
      : [];
  const [oh, ow] = outputSize(spec);
  return buildModel({
    opset: style.opset,
    inputs: [{ name: "x", dims: [1, spec.inChannels, ...spec.inputSize], type }, ...graphInputs],
    outputs: [{ name: "y", type, ...(style.outputDims ? { dims: [1, spec.outChannels, oh, ow] } : {}) }],
    nodes: g.nodes,
    initializers: g.initializers,
  });
}
