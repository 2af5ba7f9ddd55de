import type { BlockSpec, BnSpec, BranchSpec, ConvBranchSpec, SequentialBranchSpec } from "../block-spec.js";
import type { SpelledModel } from "../spelling.js";
import * as k from "./_keras-layers.js";
import { type LayerConvGeometry, LayersWriter } from "./layers-writer.js";
import type { WeightStorage } from "./quantize-weight.js";
import { noPads, samePads, tfSamePads } from "./tf-same-pads.js";
import { tfjsBlockProblem } from "./tfjs-block-problem.js";
import { shardBytesFor } from "./shard-bytes.js";

/** How a layers spelling writes a block. */
export interface LayersForm {
  /** Conv branches: ZeroPadding2D then `valid`, or `same` (only where TF's SAME pads are the branch's at this size). */
  readonly padding: "zero-pad" | "same";
  readonly storage: WeightStorage;
  /** `small`: shards of an odd size, ~6 of them, so that tensors and even float32 values straddle shards. Default 4 MiB. */
  readonly shards?: "small";
  /** One ZeroPadding2D read by every branch with the same pads over the same tensor (MobileOne's kxk convs, DBB's avg pool). */
  readonly sharePads?: boolean;
}

const layerName = (i: number, role: string): string => `b${i}_${role.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** Whether `'same'` pads this conv branch exactly as its spec says. */
function sameFits(spec: BlockSpec, b: ConvBranchSpec): boolean {
  return samePads(tfSamePads(spec.inputSize, [b.kernel.shape[2], b.kernel.shape[3]], spec.stride, b.dilation), b.pads);
}

/** Why `form` cannot write `spec` as a block for the converter, or undefined. */
export function layersProblem(spec: BlockSpec, form: LayersForm): string | undefined {
  const common = tfjsBlockProblem(spec);
  if (common !== undefined) return common;
  const only = spec.branches[0]!;
  if (spec.branches.length === 1 && only.kind === "conv" && only.bn === undefined && spec.postBn === undefined)
    return "a lone conv without BN is a deploy block already: nothing to convert";
  for (const b of spec.branches) {
    if (b.kind === "sequential" && b.first.bias !== undefined && b.first.bn === undefined && !noPads(b.pads)) {
      return `${b.role}: tfjs-layers has no layer to add the 1x1's bias after ZeroPadding2D (BNAndPad without a BN)`;
    }
    if (form.padding === "same" && b.kind === "conv" && !noPads(b.pads) && !sameFits(spec, b)) {
      return `${b.role}: 'same' pads [${tfSamePads(spec.inputSize, [b.kernel.shape[2], b.kernel.shape[3]], spec.stride, b.dilation).join(", ")}] at this size, the branch pads [${b.pads.join(", ")}]`;
    }
  }
  return undefined;
}

function convBranch(
  w: LayersWriter,
  x: string,
  name: string,
  spec: BlockSpec,
  b: ConvBranchSpec,
  form: LayersForm,
): { y: string; stored: BranchSpec } {
  const same = form.padding === "same" && !noPads(b.pads);
  const input = same ? x : w.pad(x, `${name}_pad`, b.pads);
  const g: LayerConvGeometry = { stride: spec.stride, padding: same ? "same" : "valid", dilation: b.dilation };
  const c = w.conv(input, `${name}_conv`, b.kernel, spec.inChannels, b.groups, g, b.bias);
  const n = w.maybeBatchNorm(c.y, `${name}_bn`, b.bn);
  const { y: _c, ...conv } = c;
  return { y: n.y, stored: { ...b, ...conv, ...(n.bn ? { bn: n.bn } : {}) } };
}

/** BN(y + b) as one BN: mean' = mean - b. */
const withBias = (bn: BnSpec, bias: Float64Array): BnSpec => ({ ...bn, mean: bn.mean.map((m, c) => m - bias[c]!) });

/**
 * DBB's 1x1 -> kxk (or -> avg pool): Conv2D 1x1, then BNAndPad as
 * ZeroPadding2D -> BatchNormalization (BN(pad0(y)) pads with BN(0)
 * exactly; a 1x1 bias goes into the BN's mean, Keras having no bias layer),
 * then the kxk conv `valid` at the block stride (or AveragePooling2D `valid`), its BN.
 */
function sequentialBranch(
  w: LayersWriter,
  x: string,
  name: string,
  spec: BlockSpec,
  b: SequentialBranchSpec,
): { y: string; stored: BranchSpec } {
  const m = b.first.kernel.shape[0];
  const fold = b.first.bias !== undefined && b.first.bn !== undefined && !noPads(b.pads);
  const bn1 = fold ? withBias(b.first.bn!, b.first.bias!) : b.first.bn;
  const valid = (stride: number): LayerConvGeometry => ({ stride, padding: "valid", dilation: [1, 1] });
  const c1 = w.conv(
    x,
    `${name}_conv1`,
    b.first.kernel,
    spec.inChannels,
    b.groups,
    valid(1),
    fold ? undefined : b.first.bias,
  );
  const n1 = w.maybeBatchNorm(w.pad(c1.y, `${name}_pad`, b.pads), `${name}_bn1`, bn1);
  const first = { kernel: c1.kernel, ...(c1.bias ? { bias: c1.bias } : {}), ...(n1.bn ? { bn: n1.bn } : {}) };
  if (b.second !== undefined) {
    const c2 = w.conv(n1.y, `${name}_conv2`, b.second.kernel, m, b.groups, valid(spec.stride), b.second.bias);
    const n2 = w.maybeBatchNorm(c2.y, `${name}_bn2`, b.second.bn);
    const second = { kernel: c2.kernel, ...(c2.bias ? { bias: c2.bias } : {}), ...(n2.bn ? { bn: n2.bn } : {}) };
    return { y: n2.y, stored: { kind: "sequential", first, second, groups: b.groups, pads: b.pads, role: b.role } };
  }
  const pool = b.pool!;
  const p = w.push(k.averagePooling(`${name}_avg`, n1.y, pool.size, spec.stride));
  const n2 = w.maybeBatchNorm(p, `${name}_avgbn`, pool.bn);
  return {
    y: n2.y,
    stored: {
      kind: "sequential",
      first,
      pool: { size: pool.size, ...(n2.bn ? { bn: n2.bn } : {}) },
      groups: b.groups,
      pads: b.pads,
      role: b.role,
    },
  };
}

function branch(
  w: LayersWriter,
  x: string,
  i: number,
  spec: BlockSpec,
  b: BranchSpec,
  form: LayersForm,
): { y: string; stored: BranchSpec } {
  const name = layerName(i, b.role);
  switch (b.kind) {
    case "conv":
      return convBranch(w, x, name, spec, b, form);
    case "sequential":
      return sequentialBranch(w, x, name, spec, b);
    case "identity": {
      const n = w.maybeBatchNorm(x, `${name}_bn`, b.bn);
      return { y: n.y, stored: { kind: "identity", role: b.role, ...(n.bn ? { bn: n.bn } : {}) } };
    }
    case "avgpool": {
      const p = w.push(k.averagePooling(`${name}_avg`, w.pad(x, `${name}_pad`, b.pads), b.size, spec.stride));
      const n = w.maybeBatchNorm(p, `${name}_bn`, b.bn);
      return {
        y: n.y,
        stored: { kind: "avgpool", size: b.size, pads: b.pads, role: b.role, ...(n.bn ? { bn: n.bn } : {}) },
      };
    }
  }
}

/**
 * A TF.js layers model (`model.json` + shards) of the block: InputLayer
 * NHWC `[null, H, W, C]`, each branch's layers (Conv2D / DepthwiseConv2D
 * without activation, BatchNormalization, ZeroPadding2D, AveragePooling2D),
 * one Add, the post-sum BatchNormalization, Activation relu.
 */
export function writeLayersBlock(spec: BlockSpec, form: LayersForm): SpelledModel {
  const w = new LayersWriter(form.storage, form.sharePads === true);
  const [h, wd] = spec.inputSize;
  const x = w.push(k.inputLayer("input_1", [h, wd, spec.inChannels]));
  const outs = spec.branches.map((b, i) => branch(w, x, i, spec, b, form));
  let y =
    outs.length === 1
      ? outs[0]!.y
      : w.push(
          k.add(
            "add",
            outs.map((o) => o.y),
          ),
        );
  const post = w.maybeBatchNorm(y, "post_bn", spec.postBn);
  y = spec.activation === "relu" ? w.push(k.activation("act", post.y, "relu")) : post.y;
  const { postBn: _p, ...rest } = spec;
  const stored: BlockSpec = { ...rest, branches: outs.map((o) => o.stored), ...(post.bn ? { postBn: post.bn } : {}) };
  const topology = {
    class_name: "Model",
    config: { name: "block", layers: w.layers, input_layers: [["input_1", 0, 0]], output_layers: [[y, 0, 0]] },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
  const model = {
    modelTopology: topology,
    format: "layers-model" as const,
    generatedBy: "TensorFlow.js tfjs-layers v4.22.0",
    convertedBy: null,
  };
  const files = w.weights.files(model, form.shards === "small" ? shardBytesFor(w.weights.byteLength) : undefined);
  return { ...files, stored, unit: 2 ** -24 };
}
