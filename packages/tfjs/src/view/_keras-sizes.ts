import type { Pair } from "@reparam/core";
import { configPair, convPaddingName, zeroPaddingPads } from "../codec/_keras-config.js";
import { SEQUENTIAL_INPUT, layerName, type KerasGraph, type KerasNode } from "./_keras-graph.js";
import { tensorId } from "./_keras-refs.js";
import { propagate } from "./_propagate.js";
import { broadcastSize, convOutSize, nhwcSize, paddedSize } from "./_spatial-size.js";

const SAME_SIZE = new Set([
  "BatchNormalization",
  "Activation",
  "ReLU",
  "LeakyReLU",
  "PReLU",
  "ELU",
  "ThresholdedReLU",
  "Softmax",
  "Dropout",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "LayerNormalization",
  "Rescaling",
  "Identity",
  "Masking",
]);
const MERGE = new Set(["Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum"]);

type Size = Pair | undefined;

function inputShapeSize(config: Readonly<Record<string, unknown>>): Size {
  const s = config.batch_input_shape ?? config.batch_shape;
  return Array.isArray(s) ? nhwcSize(s) : undefined;
}

function outSize(node: KerasNode, ins: readonly Size[]): Size {
  const c = node.layer.config;
  const x = ins[0];
  const cls = node.layer.class_name;
  if (cls === "InputLayer") return inputShapeSize(c) ?? x;
  if (MERGE.has(cls)) return broadcastSize(ins);
  if (cls === "Reshape") {
    const t = c.target_shape;
    return Array.isArray(t) && t.length === 3 ? nhwcSize([1, ...t]) : undefined;
  }
  if ((cls === "GlobalAveragePooling2D" || cls === "GlobalMaxPooling2D") && c.keepdims === true) return [1, 1];
  if (x === undefined) return undefined;
  if (SAME_SIZE.has(cls)) return x;
  if (cls === "Concatenate") return ins.every((s) => s !== undefined && s[0] === x[0] && s[1] === x[1]) ? x : undefined;
  if (cls === "ZeroPadding2D") {
    const pads = zeroPaddingPads(c.padding ?? 1);
    return pads && paddedSize(x, pads);
  }
  if (cls === "Cropping2D") {
    const crop = zeroPaddingPads(c.cropping ?? 0);
    return crop && [x[0] - crop[0] - crop[2], x[1] - crop[1] - crop[3]];
  }
  if (cls === "UpSampling2D") {
    const f = configPair(c.size, 2);
    return f && [x[0] * f[0], x[1] * f[1]];
  }
  const padding = convPaddingName(c);
  if (padding === undefined) return undefined;
  const pool = cls === "MaxPooling2D" || cls === "AveragePooling2D";
  const conv = cls === "Conv2D" || cls === "DepthwiseConv2D" || cls === "SeparableConv2D";
  if (!pool && !conv) return undefined;
  const kernel = configPair(pool ? c.pool_size : c.kernel_size, pool ? 2 : undefined);
  const stride = configPair(pool ? (c.strides ?? c.pool_size) : c.strides, pool ? 2 : 1);
  const dilation = configPair(pool ? 1 : c.dilation_rate, 1);
  return kernel && stride && dilation ? convOutSize(x, kernel, stride, dilation, padding) : undefined;
}

/**
 * [H, W] of every layer output of a Keras graph, propagated from the input
 * shape (`batch_input_shape` / `batch_shape`) through the layers whose effect
 * on the spatial size is known; unknown after anything else.
 */
export function kerasSizes(graph: KerasGraph): Map<string, Size> {
  const seed = new Map<string, Size>();
  if (graph.sequential) {
    const first = graph.nodes[0]?.layer.config;
    seed.set(SEQUENTIAL_INPUT, first && inputShapeSize(first));
  }
  return propagate(
    graph.nodes,
    (n) => tensorId({ layer: layerName(n.layer), node: n.call, tensor: 0 }),
    (n) => n.inputs.map(tensorId),
    (n, get) =>
      outSize(
        n,
        n.inputs.map((r) => get(tensorId(r))),
      ),
    seed,
  );
}
