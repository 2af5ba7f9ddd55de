import { ReparamError } from "@reparam/core";
import type { KerasLayerJson } from "@reparam/tfjs";
import * as k from "../emit/_keras-layers.js";
import type { LazyWeight } from "../emit/lazy-weight.js";
import type { FamilyNet, StateDict } from "./family-net.js";
import { convPads, firstInput, padMode } from "./family-graph.js";
import { extraLayer } from "./family-layers-ops.js";
import { tensor, tfConv, tfDenseKernel } from "./family-weights.js";

/** Keras layers (functional order), weights (manifest order) and the output layer of a layers model. */
export interface FamilyLayers {
  readonly layers: KerasLayerJson[];
  readonly weights: LazyWeight[];
  readonly output: string;
}

/**
 * A family net as a Keras functional model (NHWC, or `[N, F]`): conv as
 * `Conv2D` (groups 1) or `DepthwiseConv2D` (`depth_multiplier` = out / in)
 * with `dilation_rate`, `same` where TF's SAME pads are PyTorch's, else
 * `ZeroPadding2D` then `valid`; each BN its own `BatchNormalization`
 * (axis -1); sums `Add`; Linear `Dense`; ReLU / SiLU as `Activation`
 * (`relu`, `swish`). Weights keep the train values (nothing folded).
 *
 * @throws ReparamError `MODELS_UNSUPPORTED` for a difference or a constant
 *   scale (RepMixer, layer scale, PP-YOLOE's alpha): Keras has no plain layer
 *   for them; and for a dilated depthwise conv: tfjs-layers 4.22's
 *   DepthwiseConv2D reads `dilation_rate` but convolves with dilation 1 (its
 *   call passes `null`), so TF.js would not compute what Keras does.
 */
export function familyLayers(net: FamilyNet, dict: StateDict): FamilyLayers {
  const layers: KerasLayerJson[] = [];
  const weights: LazyWeight[] = [];
  const channels = new Map<string, number>([["input", net.input.at(-1)!]]);
  const names = new Map<string, string>([["input", "input_1"]]);
  const id = (name: string) => name.replaceAll(".", "_");
  const weight = (name: string, shape: readonly number[], values: ArrayLike<number>) =>
    weights.push({ name, shape, values: () => Float32Array.from(values) });
  const batchNorm = (name: string, input: string, prefix: string, c: number) => {
    layers.push(k.batchNorm(name, input, net.eps));
    for (const [w, key] of [
      ["gamma", "weight"],
      ["beta", "bias"],
      ["moving_mean", "running_mean"],
      ["moving_variance", "running_var"],
    ] as const)
      weight(`${name}/${w}`, [c], tensor(dict, `${prefix}.${key}`).data);
    return name;
  };
  layers.push({
    name: "input_1",
    class_name: "InputLayer",
    config: { batch_input_shape: [null, ...net.input.slice(1)], dtype: "float32", sparse: false, name: "input_1" },
    inbound_nodes: [],
  });
  const x = (t: string) => names.get(t)!;
  for (const s of net.steps) {
    const L = id(s.name);
    let c = channels.get(firstInput(s))!;
    const out = L;
    switch (s.op) {
      case "conv": {
        if (s.depthwise && s.dilation > 1) unsupported(net.name, s.name, "a dilated depthwise conv");
        if (s.strideW !== undefined) unsupported(net.name, s.name, "unequal strides (written for graphs only)");
        const { kernel, kernelShape } = tfConv(dict, s, c, net.eps, false);
        const [kh, kw, , m] = kernelShape as [number, number, number, number];
        const mode = padMode(s, kh, kw);
        let input = x(s.x);
        if (mode === "PAD") {
          layers.push(k.zeroPadding2d(`${L}_pad`, input, convPads(s)));
          input = `${L}_pad`;
        }
        const name = s.bn === undefined ? L : `${L}_conv`;
        const o = {
          kernel: [kh, kw] as const,
          stride: s.stride,
          padding: mode === "SAME" ? ("same" as const) : ("valid" as const),
          useBias: s.bias !== undefined,
          dilation: [s.dilation, s.dilation] as const,
          multiplier: m,
        };
        c = s.depthwise ? c * m : m;
        layers.push(s.depthwise ? k.depthwiseConv2d(name, input, o) : k.conv2d(name, input, c, o));
        weight(`${name}/${s.depthwise ? "depthwise_kernel" : "kernel"}`, kernelShape, kernel);
        if (s.bias !== undefined) weight(`${name}/bias`, [c], tensor(dict, s.bias).data);
        if (s.bn !== undefined) batchNorm(L, name, s.bn, c);
        break;
      }
      case "bn":
        batchNorm(L, x(s.x), s.bn, c);
        break;
      case "add":
        layers.push(k.merge("Add", L, s.xs.map(x)));
        break;
      case "act":
        layers.push(k.activation(L, x(s.x), s.fn === "relu" ? "relu" : "swish"));
        break;
      case "dense": {
        const { kernel, shape } = tfDenseKernel(dict, s.weight);
        c = shape[1];
        layers.push(k.dense(L, x(s.x), c, s.bias !== undefined));
        weight(`${L}/kernel`, shape, kernel);
        if (s.bias !== undefined) weight(`${L}/bias`, [c], tensor(dict, s.bias).data);
        break;
      }
      default: {
        const zero = (key: string) => tensor(dict, key).data.every((v) => v === 0);
        const extra = extraLayer(s, L, x, (t) => channels.get(t)!, zero);
        if (extra === undefined)
          unsupported(
            net.name,
            s.name,
            s.op === "sub"
              ? "a difference of branches"
              : s.op === "scale"
                ? "a constant scale (layer scale / alpha)"
                : `a ${s.op} step no plain layer computes (graph form only)`,
          );
        if ("alias" in extra) {
          channels.set(s.name, c);
          names.set(s.name, extra.alias);
          continue;
        }
        layers.push(extra.layer);
        c = extra.c ?? c;
      }
    }
    channels.set(s.name, c);
    names.set(s.name, out);
  }
  return { layers, weights, output: x(net.steps.at(-1)!.name) };
}

function unsupported(net: string, step: string, what: string): never {
  throw new ReparamError("MODELS_UNSUPPORTED", "no tfjs-layers layer computes this step", {
    where: `${net} ${step}`,
    expected: "conv (depthwise: undilated), BN, add, activation or Linear",
    found: what,
    hint: "use the graph model of this family",
  });
}
