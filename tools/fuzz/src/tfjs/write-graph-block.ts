import type { BlockSpec, BranchSpec, SequentialBranchSpec } from "../block-spec.js";
import type { SpelledModel } from "../spelling.js";
import { dtypeAttr, intsAttr, sAttr, tensorShape } from "./_graph-attrs.js";
import { graphBiasAdd, graphMaybeBatchNorm } from "./graph-batch-norm.js";
import { type GraphForm, graphConv, graphPad } from "./graph-conv.js";
import { GraphWriter } from "./graph-writer.js";
import { blockOutputSize } from "./block-output-size.js";
import { noPads, samePads, tfSamePads } from "./tf-same-pads.js";
import { tfjsBlockProblem } from "./tfjs-block-problem.js";

type Out = { y: string; stored: BranchSpec };

const nodeName = (i: number, role: string): string => `b${i}_${role.replace(/[^A-Za-z0-9_]/g, "_")}`;
const NO_PADS = [0, 0, 0, 0] as const;

/** Why `form` cannot write `spec` as a block for the converter, or undefined. */
export function graphProblem(spec: BlockSpec, form: GraphForm): string | undefined {
  const common = tfjsBlockProblem(spec);
  if (common !== undefined) return common;
  const only = spec.branches[0]!;
  if (spec.branches.length === 1 && only.kind === "conv" && spec.postBn === undefined) {
    if (form.conv === "fused")
      return "a lone conv + BN is one _FusedConv2D once the converter folds it: nothing to convert";
    if (only.bn === undefined && only.bias === undefined)
      return "a lone conv without bias or BN is a deploy block already: nothing to convert";
  }
  if (form.padding === "same") {
    for (const b of spec.branches) {
      if (b.kind !== "conv" || noPads(b.pads)) continue;
      const same = tfSamePads(spec.inputSize, [b.kernel.shape[2], b.kernel.shape[3]], spec.stride, b.dilation);
      if (!samePads(same, b.pads))
        return `${b.role}: SAME pads [${same.join(", ")}] at this size, the branch pads [${b.pads.join(", ")}]`;
    }
  }
  return undefined;
}

/**
 * DBB's 1x1 -> kxk (or -> avg pool). With pads: `Conv2D` 1x1, BNAndPad as
 * `Pad` -> [`BiasAdd` of the 1x1's bias] -> BN (the border then holds what
 * the 1x1 + BN gives for a zero input), the kxk conv VALID at the block
 * stride (its BN as the form says) or `AvgPool` VALID -> BN. Without pads
 * the 1x1 is a conv like any other.
 */
function sequential(
  g: GraphWriter,
  x: string,
  name: string,
  spec: BlockSpec,
  b: SequentialBranchSpec,
  form: GraphForm,
): Out {
  const m = b.first.kernel.shape[0];
  const one = {
    inChannels: spec.inChannels,
    groups: b.groups,
    stride: 1,
    dilation: [1, 1] as const,
    pads: NO_PADS,
    size: spec.inputSize,
  };
  const padded = !noPads(b.pads);
  const c1 = graphConv(
    g,
    x,
    `${name}_conv1`,
    { ...one, kernel: b.first.kernel, ...(padded ? {} : { bias: b.first.bias, bn: b.first.bn }) },
    padded ? { ...form, conv: "raw" } : form,
  );
  let h = graphPad(g, c1.y, `${name}_pad`, b.pads);
  let bias = c1.bias;
  if (padded && b.first.bias !== undefined) ({ y: h, bias } = graphBiasAdd(g, h, `${name}_bias1`, b.first.bias));
  const n1 = padded ? graphMaybeBatchNorm(g, h, `${name}_bn1`, b.first.bn, form.bn) : { y: h, bn: c1.bn };
  const first = { kernel: c1.kernel, ...(bias ? { bias } : {}), ...(n1.bn ? { bn: n1.bn } : {}) };
  const base = { groups: b.groups, pads: b.pads, role: b.role, kind: "sequential" } as const;
  if (b.second !== undefined) {
    const size = [spec.inputSize[0] + b.pads[0] + b.pads[2], spec.inputSize[1] + b.pads[1] + b.pads[3]] as const;
    const s = {
      kernel: b.second.kernel,
      bias: b.second.bias,
      bn: b.second.bn,
      inChannels: m,
      groups: b.groups,
      stride: spec.stride,
      dilation: [1, 1] as const,
      pads: NO_PADS,
      size,
    };
    const c2 = graphConv(g, n1.y, `${name}_conv2`, s, form);
    const second = { kernel: c2.kernel, ...(c2.bias ? { bias: c2.bias } : {}), ...(c2.bn ? { bn: c2.bn } : {}) };
    return { y: c2.y, stored: { ...base, first, second } };
  }
  const pool = b.pool!;
  const p = avgPool(g, n1.y, `${name}_avg`, pool.size, spec.stride);
  const n2 = graphMaybeBatchNorm(g, p, `${name}_avgbn`, pool.bn, form.bn);
  return { y: n2.y, stored: { ...base, first, pool: { size: pool.size, ...(n2.bn ? { bn: n2.bn } : {}) } } };
}

function avgPool(g: GraphWriter, x: string, name: string, size: readonly [number, number], stride: number): string {
  const attr = {
    ksize: intsAttr([1, size[0], size[1], 1]),
    strides: intsAttr([1, stride, stride, 1]),
    padding: sAttr("VALID"),
    data_format: sAttr("NHWC"),
  };
  return g.op(`${name}/AvgPool`, "AvgPool", [x], attr);
}

function branch(g: GraphWriter, x: string, i: number, spec: BlockSpec, b: BranchSpec, form: GraphForm): Out {
  const name = nodeName(i, b.role);
  switch (b.kind) {
    case "conv": {
      const c = {
        kernel: b.kernel,
        bias: b.bias,
        bn: b.bn,
        inChannels: spec.inChannels,
        groups: b.groups,
        stride: spec.stride,
        dilation: b.dilation,
        pads: b.pads,
        size: spec.inputSize,
      };
      const { y, ...stored } = graphConv(g, x, name, c, form);
      const { bias: _b, bn: _n, ...geometry } = b;
      return { y, stored: { ...geometry, ...stored } };
    }
    case "sequential":
      return sequential(g, x, name, spec, b, form);
    case "identity": {
      const n = graphMaybeBatchNorm(g, x, `${name}_bn`, b.bn, form.bn);
      return { y: n.y, stored: { kind: "identity", role: b.role, ...(n.bn ? { bn: n.bn } : {}) } };
    }
    case "avgpool": {
      const p = avgPool(g, graphPad(g, x, `${name}_pad`, b.pads), `${name}_avg`, b.size, spec.stride);
      const n = graphMaybeBatchNorm(g, p, `${name}_bn`, b.bn, form.bn);
      return {
        y: n.y,
        stored: { kind: "avgpool", size: b.size, pads: b.pads, role: b.role, ...(n.bn ? { bn: n.bn } : {}) },
      };
    }
  }
}

/**
 * A TF.js graph model (`model.json` + shards) of the block as `form` says:
 * Consts first, Placeholder `input_1` NHWC `[-1, H, W, C]`, each branch's
 * nodes, an `AddV2` chain, the post-sum BN, `Relu`, output `Identity`.
 */
export function writeGraphBlock(spec: BlockSpec, form: GraphForm): SpelledModel {
  const g = new GraphWriter("StatefulPartitionedCall/block", form.storage, form.sharePads === true);
  const [h, w] = spec.inputSize;
  const input = "input_1";
  const outs = spec.branches.map((b, i) => branch(g, input, i, spec, b, form));
  let y = outs[0]!.y;
  outs.slice(1).forEach((o, i) => (y = g.op(`add/add${i === 0 ? "" : `_${i}`}`, "AddV2", [y, o.y])));
  const post = graphMaybeBatchNorm(g, y, "post_bn", spec.postBn, form.bn);
  y = spec.activation === "relu" ? g.op("act/Relu", "Relu", [post.y]) : post.y;
  g.ops.push({ name: "Identity", op: "Identity", input: [y], attr: { T: dtypeAttr("DT_FLOAT") } });
  const placeholder = {
    name: input,
    op: "Placeholder",
    attr: { dtype: dtypeAttr("DT_FLOAT"), shape: { shape: tensorShape([-1, h, w, spec.inChannels]) } },
  };
  const info = (name: string, shape: number[]) => ({ name, dtype: "DT_FLOAT", tensorShape: tensorShape(shape) });
  const [oh, ow] = blockOutputSize(spec);
  const model = {
    format: "graph-model" as const,
    generatedBy: "2.15.0",
    convertedBy: "TensorFlow.js Converter v4.22.0",
    signature: {
      inputs: { "input_1:0": info("input_1:0", [-1, h, w, spec.inChannels]) },
      outputs: { "Identity:0": info("Identity:0", [-1, oh, ow, spec.outChannels]) },
    },
    modelTopology: { node: [...g.consts, placeholder, ...g.ops], library: {}, versions: { producer: 1395 } },
  };
  const { postBn: _p, ...rest } = spec;
  const stored: BlockSpec = { ...rest, branches: outs.map((o) => o.stored), ...(post.bn ? { postBn: post.bn } : {}) };
  return { ...g.weights.files(model), stored, unit: 2 ** -24 };
}
