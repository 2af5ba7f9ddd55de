// RepVGG-A0 (Ding et al. 2021: widths 48-48-96-192-1280, 1-2-4-14-1 blocks,
// 8.3M deploy parameters) with seeded random weights, as two ONNX models built
// in memory: the train-time form (3x3 conv+BN, 1x1 conv+BN, identity BN, Add,
// ReLU) and the deploy form whose convs come from @reparam/core's fuseBlock.
// Built on the GPU machine itself: the two files (~66 MB) would not fit the
// 64 MiB that can be carried there.
import { fuseBlock } from "../../packages/core/dist/index.js";
import { buildModel, encodeModel, floatAttr, intAttr, intsAttr } from "../../packages/onnx/dist/index.js";

const STAGES = [
  { width: 48, blocks: 1 },
  { width: 48, blocks: 2 },
  { width: 96, blocks: 4 },
  { width: 192, blocks: 14 },
  { width: 1280, blocks: 1 },
];

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Both forms of RepVGG-A0 as ONNX bytes, input "input" [1, 3, size, size], output "logits" [1, 1000]. */
export function repvggA0({ size = 224, seed = 1, classes = 1000 } = {}) {
  const rand = rng(seed);
  const uniform = (n, a) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * a);
  const between = (n, lo, hi) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  const bn = (c) => ({ gamma: between(c, 0.4, 0.7), beta: between(c, -0.1, 0.1), mean: between(c, -0.1, 0.1), variance: between(c, 0.5, 1.5), eps: 1e-5 });
  const conv = (o, c, k, stride) => ({
    kind: "conv",
    // Variance 1/fan_in keeps activations of order 1 through 22 blocks.
    kernel: { data: uniform(o * c * k * k, Math.sqrt(3 / (c * k * k))), shape: [o, c, k, k] },
    stride: [stride, stride],
    pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0],
    dilation: [1, 1],
    groups: 1,
    bn: bn(o),
  });
  const blocks = [];
  let inC = 3;
  for (const stage of STAGES) {
    for (let i = 0; i < stage.blocks; i++) {
      const stride = i === 0 ? 2 : 1;
      const branches = [conv(stage.width, inC, 3, stride), conv(stage.width, inC, 1, stride)];
      if (inC === stage.width && stride === 1) branches.push({ kind: "identity", bn: bn(inC) });
      blocks.push({ name: `stage${blocks.length}`, inChannels: inC, branches });
      inC = stage.width;
    }
  }
  const fc = { w: uniform(classes * inC, Math.sqrt(3 / inC)), b: uniform(classes, 0.1) };
  return {
    blocks: blocks.length,
    train: encode(blocks, fc, size, classes, trainBlock),
    deploy: encode(blocks, fc, size, classes, deployBlock),
  };
}

function encode(blocks, fc, size, classes, emit) {
  const g = { nodes: [], inits: [], n: 0 };
  let x = "input";
  for (const b of blocks) x = relu(g, emit(g, x, b));
  const pooled = node(g, "GlobalAveragePool", [x]);
  const flat = node(g, "Flatten", [pooled], { axis: intAttr(1) });
  const c = fc.w.length / classes;
  g.nodes.push({ op: "Gemm", inputs: [flat, init(g, [classes, c], fc.w), init(g, [classes], fc.b)], outputs: ["logits"], attrs: { transB: intAttr(1) } });
  const spec = { opset: 13, inputs: [{ name: "input", dims: [1, 3, size, size] }], outputs: [{ name: "logits", dims: [1, classes] }], nodes: g.nodes, initializers: g.inits };
  return encodeModel(buildModel(spec));
}

function trainBlock(g, x, block) {
  const outs = block.branches.map((br) => (br.kind === "conv" ? batchNorm(g, convNode(g, x, br.kernel, undefined, br), br.bn) : batchNorm(g, x, br.bn)));
  return outs.reduce((acc, y) => node(g, "Add", [acc, y]));
}

function deployBlock(g, x, block) {
  const r = fuseBlock(block);
  if (!r.ok) throw new Error(`${block.name}: ${r.refusal.message}`);
  return convNode(g, x, r.conv.kernel, r.conv.bias, r.conv);
}

function convNode(g, x, kernel, bias, geo) {
  const inputs = [x, init(g, kernel.shape, kernel.data)];
  if (bias !== undefined) inputs.push(init(g, [kernel.shape[0]], bias));
  const attrs = { kernel_shape: intsAttr(kernel.shape.slice(2)), strides: intsAttr(geo.stride), pads: intsAttr(geo.pads), dilations: intsAttr(geo.dilation), group: intAttr(geo.groups) };
  return node(g, "Conv", inputs, attrs);
}

function batchNorm(g, x, bn) {
  const c = bn.gamma.length;
  return node(g, "BatchNormalization", [x, init(g, [c], bn.gamma), init(g, [c], bn.beta), init(g, [c], bn.mean), init(g, [c], bn.variance)], { epsilon: floatAttr(bn.eps) });
}

function relu(g, x) {
  return node(g, "Relu", [x]);
}

function node(g, op, inputs, attrs = {}) {
  const out = `${op.toLowerCase()}_${g.n++}`;
  g.nodes.push({ op, inputs, outputs: [out], attrs });
  return out;
}

function init(g, dims, data) {
  const name = `w_${g.n++}`;
  g.inits.push({ name, dims, data: data instanceof Float32Array ? data : Float32Array.from(data) });
  return name;
}
