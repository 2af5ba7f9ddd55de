// The checks of the TF.js spellings' tests: a float64 evaluation of a spec
// (and of its magnitude), the error bound, the conversion, and a count of
// the convs left in a converted model.
import { type ConversionReport, memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { type GraphDefJson, type KerasLayerJson, decodeModelJson, kerasModel, tfjsAdapter } from "@reparam/tfjs";
import { type Tensor4, addTensors, avgPool, conv2d, padTensor, seededRandom } from "@reparam/test-utils";
import type { BlockSpec, BnSpec, BranchSpec } from "../src/block-spec.js";
import type { ModelFiles, Nchw } from "../src/spelling.js";

/** Per channel, x * scale + shift: a BN in inference (|t| x + |beta| + |mean t| for the magnitude). */
function affine(x: Tensor4, bn: BnSpec | undefined, abs: boolean): Tensor4 {
  if (bn === undefined) return x;
  const [n, c, h, w] = x.shape;
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const t = bn.gamma[ch]! / Math.sqrt(bn.variance[ch]! + bn.eps);
      const scale = abs ? Math.abs(t) : t;
      const shift = abs ? Math.abs(bn.beta[ch]!) + Math.abs(bn.mean[ch]! * t) : bn.beta[ch]! - bn.mean[ch]! * t;
      for (let i = (b * c + ch) * h * w; i < (b * c + ch + 1) * h * w; i++) out[i] = x.data[i]! * scale + shift;
    }
  return { data: out, shape: x.shape };
}

function branchOut(spec: BlockSpec, b: BranchSpec, x: Tensor4, abs: boolean): Tensor4 {
  const v = (a: Float64Array) => (abs ? a.map(Math.abs) : a);
  const stride = [spec.stride, spec.stride] as const;
  switch (b.kind) {
    case "conv":
      return affine(conv2d(x, { weight: { data: v(b.kernel.data), shape: b.kernel.shape }, ...(b.bias ? { bias: v(b.bias) } : {}), stride, pads: b.pads, dilation: b.dilation, groups: b.groups }), b.bn, abs);
    case "identity":
      return affine(x, b.bn, abs);
    case "avgpool":
      return affine(avgPool(x, b.size, stride, b.pads), b.bn, abs);
    case "sequential": {
      const f = b.first;
      const m = f.kernel.shape[0];
      const y1 = affine(conv2d(x, { weight: { data: v(f.kernel.data), shape: f.kernel.shape }, ...(f.bias ? { bias: v(f.bias) } : {}), groups: b.groups }), f.bn, abs);
      // BNAndPad: the border holds what the 1x1 (+ BN) gives for a zero input.
      const border = affine({ data: f.bias ? v(f.bias) : new Float64Array(m), shape: [1, m, 1, 1] }, f.bn, abs).data;
      const padded = padTensor(y1, b.pads, (c) => border[c]!);
      if (b.pool !== undefined) return affine(avgPool(padded, b.pool.size, stride, [0, 0, 0, 0]), b.pool.bn, abs);
      const s = b.second!;
      return affine(conv2d(padded, { weight: { data: v(s.kernel.data), shape: s.kernel.shape }, ...(s.bias ? { bias: v(s.bias) } : {}), stride, groups: b.groups }), s.bn, abs);
    }
  }
}

/** The block in float64 on x; with `abs`, its magnitude M (every value and x in absolute value, no activation). */
export function evaluate(spec: BlockSpec, x: Nchw, abs = false): Tensor4 {
  const x64: Tensor4 = { data: Float64Array.from(x.data, (e) => (abs ? Math.abs(e) : e)), shape: x.shape };
  const y = affine(addTensors(spec.branches.map((b) => branchOut(spec, b, x64, abs))), spec.postBn, abs);
  return abs || spec.activation === "none" ? y : { data: y.data.map((e) => Math.max(e, 0)), shape: y.shape };
}

/** x [1, C, H, W] with values k / 64, |k| <= 64, seeded by the block's seed. */
export function blockInput(spec: BlockSpec): Nchw {
  const rand = seededRandom(spec.seed * 7 + 3);
  const [h, w] = spec.inputSize;
  return { data: Float32Array.from({ length: spec.inChannels * h * w }, () => Math.round(128 * rand() - 64) / 64), shape: [1, spec.inChannels, h, w] };
}

/** The largest |y - R| / (16 u M + tiny) over the output (<= 1 passes), or a shape mismatch. */
export function boundRatio(y: Nchw, stored: BlockSpec, x: Nchw, unit: number): number {
  const r = evaluate(stored, x);
  const m = evaluate(stored, x, true);
  if (y.shape.join() !== r.shape.join()) throw new Error(`output shape [${y.shape.join(", ")}], expected [${r.shape.join(", ")}]`);
  let worst = 0;
  for (let i = 0; i < r.data.length; i++) {
    const err = Math.abs(y.data[i]! - r.data[i]!);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err / (16 * unit * m.data[i]! + 2 ** -140));
  }
  return worst;
}

/** Converts a spelled model with `tfjsAdapter`; returns the report and the converted model's files. */
export async function convertTfjs(model: ModelFiles): Promise<{ report: ConversionReport; converted: ModelFiles }> {
  const others = Object.fromEntries([...model.files].filter(([p]) => p !== model.main));
  const output = memoryOutput(model.main);
  const report = await reparameterize(tfjsAdapter, memoryInput(model.main, model.files.get(model.main)!, others), output);
  return { report, converted: { main: model.main, files: output.files } };
}

const CONV_LAYERS = new Set(["Conv2D", "DepthwiseConv2D"]);
const CONV_OPS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);

/** How many convs a TF.js model has (layers or graph), and every layer class / op it uses. */
export function convsIn(model: ModelFiles): { convs: number; ops: string[] } {
  const json = decodeModelJson(model.files.get(model.main)!);
  const ops =
    json.format === "graph-model"
      ? (json.modelTopology as GraphDefJson).node!.map((n) => n.op)
      : (kerasModel(json.modelTopology).config.layers as readonly KerasLayerJson[]).map((l) => l.class_name);
  return { convs: ops.filter((o) => CONV_LAYERS.has(o) || CONV_OPS.has(o)).length, ops: [...new Set(ops)] };
}
