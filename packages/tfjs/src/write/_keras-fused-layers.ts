import type { FusePlan, Pair } from "@reparam/core";
import { isDepthwise } from "./_fused-weights.js";
import { tfPadMode } from "../view/_tf-padding.js";
import type { KerasLayerJson } from "../codec/layers-topology.js";

// Keys that tie a layer to the model's input; never copied from a template.
const INPUT_KEYS = new Set(["batch_input_shape", "batch_shape", "input_shape", "input_dim"]);

/** What replaces a block in a Keras config: an optional ZeroPadding2D and the conv. */
export interface FusedLayers {
  readonly layers: readonly KerasLayerJson[];
  /** Short names of the conv's weights (`kernel` or `depthwise_kernel`, `bias`). */
  readonly kernelName: "kernel" | "depthwise_kernel";
}

/**
 * The layers a fused conv becomes: a `Conv2D`, or a `DepthwiseConv2D` when
 * the fusion is depthwise, with `use_bias` and a linear activation; padding
 * 'same' when the fused pads are TF's SAME pads for the input size, 'valid'
 * otherwise, behind a `ZeroPadding2D` when pads remain. The conv's config
 * starts from a removed conv of the same class (initializers, dtype, ...),
 * so the model reads like one written that way. `inbound` builds a layer's
 * `inbound_nodes` from the name of the layer it reads (undefined: the block
 * input; Sequential models pass a function returning undefined).
 */
export function kerasFusedLayers(
  conv: FusePlan,
  inChannels: number,
  inputSize: Pair | undefined,
  names: { conv: string; pad: string },
  template: readonly KerasLayerJson[],
  inbound: (from: string | undefined) => unknown[] | undefined,
): FusedLayers {
  const [o, , kh, kw] = conv.kernelShape;
  const depthwise = isDepthwise(conv, inChannels);
  const cls = depthwise ? "DepthwiseConv2D" : "Conv2D";
  const mode = tfPadMode(conv.pads, [kh, kw], conv.stride, conv.dilation, inputSize);
  const like = template.find((l) => l.class_name === cls)?.config ?? {};
  const base = Object.fromEntries(Object.entries(like).filter(([k]) => !INPUT_KEYS.has(k)));
  const layer = (
    name: string,
    class_name: string,
    config: Record<string, unknown>,
    from: string | undefined,
  ): KerasLayerJson => {
    const nodes = inbound(from);
    return { name, class_name, config: { ...config, name }, ...(nodes ? { inbound_nodes: nodes } : {}) };
  };
  const out: KerasLayerJson[] = [];
  if (mode.kind === "explicit") {
    const [t, l, b, r] = mode.pads;
    out.push(
      layer(
        names.pad,
        "ZeroPadding2D",
        {
          trainable: like.trainable ?? true,
          padding: [
            [t, b],
            [l, r],
          ],
          data_format: "channels_last",
        },
        undefined,
      ),
    );
  }
  const geometry = {
    kernel_size: [kh, kw],
    strides: [...conv.stride],
    padding: mode.kind === "same" ? "same" : "valid",
    data_format: "channels_last",
    dilation_rate: [...conv.dilation],
    activation: "linear",
    use_bias: true,
  };
  const config = depthwise
    ? { trainable: true, ...base, ...geometry, depth_multiplier: o / inChannels }
    : { trainable: true, ...base, filters: o, ...geometry, ...("groups" in base ? { groups: 1 } : {}) };
  out.push(layer(names.conv, cls, config, mode.kind === "explicit" ? names.pad : undefined));
  return { layers: out, kernelName: depthwise ? "depthwise_kernel" : "kernel" };
}
