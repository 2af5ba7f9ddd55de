import { floatAttr, intsAttr, type InitializerSpec, type NodeSpec } from "@reparam/onnx";
import { seededRandom } from "../weights/seeded-random.js";

/** The nodes and initializers of one block, ready for `buildModel`. */
export interface OnnxPart {
  readonly nodes: NodeSpec[];
  readonly initializers: InitializerSpec[];
}

/**
 * One RepVGG block in the ONNX train form (`onnx` format): 3x3 Conv -> BN,
 * 1x1 Conv -> BN, identity BN of `input`, summed by two Adds, then Relu
 * giving `output`; `channels` in and out, stride 1. Seeded weights (by
 * `(seed, name)`), a few hundred bytes: a block that `convert` fuses, for
 * models built around other ops.
 */
export function repBlockOnnx(prefix: string, input: string, output: string, channels: number, seed = 0): OnnxPart {
  const initializers: InitializerSpec[] = [];
  const values = (name: string, dims: number[], lo: number, hi: number) => {
    const data = seededRandom(seed, name).uniform(new Float32Array(dims.reduce((p, d) => p * d, 1)), lo, hi);
    initializers.push({ name, dims, data });
    return name;
  };
  const bn = (name: string, x: string, y: string): NodeSpec => ({
    op: "BatchNormalization",
    name: `${prefix}/${name}/BatchNormalization`,
    inputs: [
      x,
      values(`${prefix}.${name}.weight`, [channels], 0.5, 1.5),
      values(`${prefix}.${name}.bias`, [channels], -0.1, 0.1),
      values(`${prefix}.${name}.running_mean`, [channels], -0.1, 0.1),
      values(`${prefix}.${name}.running_var`, [channels], 0.5, 1.5),
    ],
    outputs: [y],
    attrs: { epsilon: floatAttr(1e-5) },
  });
  const conv = (name: string, k: number, y: string): NodeSpec => ({
    op: "Conv",
    name: `${prefix}/${name}/Conv`,
    inputs: [input, values(`${prefix}.${name}.weight`, [channels, channels, k, k], -0.5, 0.5)],
    outputs: [y],
    attrs: { kernel_shape: intsAttr([k, k]), pads: intsAttr(Array(4).fill(k >> 1)), strides: intsAttr([1, 1]) },
  });
  const t = (n: string) => `${prefix}/${n}`;
  const nodes: NodeSpec[] = [
    conv("rbr_dense.conv", 3, t("dense_conv")),
    bn("rbr_dense.bn", t("dense_conv"), t("dense")),
    conv("rbr_1x1.conv", 1, t("1x1_conv")),
    bn("rbr_1x1.bn", t("1x1_conv"), t("1x1")),
    bn("rbr_identity", input, t("identity")),
    { op: "Add", name: `${prefix}/Add`, inputs: [t("dense"), t("1x1")], outputs: [t("sum0")] },
    { op: "Add", name: `${prefix}/Add_1`, inputs: [t("sum0"), t("identity")], outputs: [t("sum")] },
    { op: "Relu", name: `${prefix}/Relu`, inputs: [t("sum")], outputs: [output] },
  ];
  return { nodes, initializers };
}
