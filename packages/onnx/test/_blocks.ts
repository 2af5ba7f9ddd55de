// Train-time blocks as buildModel specs, with seeded random weights.
import { randomBatchNorm, randomFloat32 } from "@reparam/test-utils";
import { intsAttr, type InitializerSpec, type NodeSpec } from "../src/index.js";

/** Nodes and initializers of part of a graph. */
export interface Part {
  readonly nodes: NodeSpec[];
  readonly initializers: InitializerSpec[];
}

/** Conv weight [o, i, k, k] (and bias) initializers named `<prefix>.weight` / `.bias`. */
export function convWeights(
  rand: () => number,
  prefix: string,
  o: number,
  i: number,
  kh: number,
  kw = kh,
  bias = false,
): InitializerSpec[] {
  const w: InitializerSpec = {
    name: `${prefix}.weight`,
    dims: [o, i, kh, kw],
    data: randomFloat32(rand, o * i * kh * kw, -0.5, 0.5),
  };
  return bias ? [w, { name: `${prefix}.bias`, dims: [o], data: randomFloat32(rand, o, -0.5, 0.5) }] : [w];
}

/** A BatchNormalization node over `x` and its four initializers `<prefix>.weight`... (PyTorch naming). */
export function bn(
  rand: () => number,
  prefix: string,
  x: string,
  out: string,
  c: number,
  name = `${prefix}/BatchNormalization`,
): Part {
  const b = randomBatchNorm(rand, c);
  const names = ["weight", "bias", "running_mean", "running_var"].map((n) => `${prefix}.${n}`);
  return {
    nodes: [{ op: "BatchNormalization", name, inputs: [x, ...names], outputs: [out] }],
    initializers: [b.gamma, b.beta, b.mean, b.variance].map((data, i) => ({ name: names[i]!, dims: [c], data })),
  };
}

/**
 * A RepVGG block `blocks.<i>` over `x` writing `out`: rbr_dense (3x3 pad 1)
 * and rbr_1x1 (1x1), each Conv -> BatchNormalization, an identity BN when
 * `identity`, summed by Add nodes. PyTorch's unfolded export, names included.
 */
export function repvggBlock(
  rand: () => number,
  i: number,
  x: string,
  out: string,
  c: number,
  o = c,
  stride = 1,
  identity = c === o && stride === 1,
): Part {
  const p = `blocks.${i}`;
  const s = `/blocks.${i}`;
  const dense = bn(
    rand,
    `${p}.rbr_dense.bn`,
    `${s}/rbr_dense/conv/Conv_output_0`,
    `${s}/rbr_dense/bn/out`,
    o,
    `${s}/rbr_dense/bn/BatchNormalization`,
  );
  const one = bn(
    rand,
    `${p}.rbr_1x1.bn`,
    `${s}/rbr_1x1/conv/Conv_output_0`,
    `${s}/rbr_1x1/bn/out`,
    o,
    `${s}/rbr_1x1/bn/BatchNormalization`,
  );
  const id = identity
    ? bn(rand, `${p}.rbr_identity`, x, `${s}/rbr_identity/out`, c, `${s}/rbr_identity/BatchNormalization`)
    : { nodes: [], initializers: [] };
  const strides = intsAttr([stride, stride]);
  const nodes: NodeSpec[] = [
    {
      op: "Conv",
      name: `${s}/rbr_dense/conv/Conv`,
      inputs: [x, `${p}.rbr_dense.conv.weight`],
      outputs: [`${s}/rbr_dense/conv/Conv_output_0`],
      attrs: { pads: intsAttr([1, 1, 1, 1]), strides },
    },
    ...dense.nodes,
    {
      op: "Conv",
      name: `${s}/rbr_1x1/conv/Conv`,
      inputs: [x, `${p}.rbr_1x1.conv.weight`],
      outputs: [`${s}/rbr_1x1/conv/Conv_output_0`],
      attrs: { strides },
    },
    ...one.nodes,
    ...id.nodes,
    {
      op: "Add",
      name: `${s}/Add`,
      inputs: [`${s}/rbr_dense/bn/out`, `${s}/rbr_1x1/bn/out`],
      outputs: [identity ? `${s}/Add_output_0` : out],
    },
    ...(identity
      ? [{ op: "Add", name: `${s}/Add_1`, inputs: [`${s}/Add_output_0`, `${s}/rbr_identity/out`], outputs: [out] }]
      : []),
  ];
  return {
    nodes,
    initializers: [
      ...convWeights(rand, `${p}.rbr_dense.conv`, o, c, 3),
      ...dense.initializers,
      ...convWeights(rand, `${p}.rbr_1x1.conv`, o, c, 1),
      ...one.initializers,
      ...id.initializers,
    ],
  };
}

/** Deterministic input values in [-1, 1). */
export function inputData(rand: () => number, n: number): Float32Array {
  return randomFloat32(rand, n);
}
