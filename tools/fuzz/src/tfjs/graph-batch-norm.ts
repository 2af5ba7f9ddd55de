import type { BnSpec } from "../block-spec.js";
import { dtypeAttr, sAttr } from "./_graph-attrs.js";
import type { GraphWriter } from "./graph-writer.js";
import { affineBn } from "../map-spec.js";
import { tfBnAffine } from "./tf-fold-conv.js";

/** How a BN that is not folded into a conv is written: `FusedBatchNormV3`, or `Mul` + `AddV2` with constants. */
export type GraphBnForm = "fbn" | "muladd";

/**
 * A BN of `x` named `<name>` as the converter writes one it cannot fold:
 * `fbn`, `<name>/FusedBatchNormV3` (is_training false, the epsilon as the
 * float32 attribute holds it) reading gamma, beta, mean, variance Consts;
 * `muladd`, `<name>/batchnorm/mul_1` (Mul by the `batchnorm/mul` Const) then
 * `<name>/batchnorm/add_1` (AddV2 of `batchnorm/sub`), the constants folded
 * in float32 (see {@link tfBnAffine}). Returns the output and the BN as
 * stored (the affine as a BN of mean 0, variance 1, eps 0 for `muladd`).
 */
export function graphBatchNorm(
  g: GraphWriter,
  x: string,
  name: string,
  bn: BnSpec,
  form: GraphBnForm,
): { y: string; bn: BnSpec } {
  const n = [bn.gamma.length];
  if (form === "muladd") {
    const { scale, shift } = tfBnAffine(bn);
    const mul = g.floatConst(`${name}/batchnorm/mul`, n, scale);
    const sub = g.floatConst(`${name}/batchnorm/sub`, n, shift);
    const m = g.op(`${name}/batchnorm/mul_1`, "Mul", [x, mul.name]);
    return { y: g.op(`${name}/batchnorm/add_1`, "AddV2", [m, sub.name]), bn: affineBn(mul.stored, sub.stored) };
  }
  const gamma = g.floatConst(`${name}/ReadVariableOp`, n, bn.gamma);
  const beta = g.floatConst(`${name}/ReadVariableOp_1`, n, bn.beta);
  const mean = g.floatConst(`${name}/FusedBatchNormV3/ReadVariableOp`, n, bn.mean);
  const variance = g.floatConst(`${name}/FusedBatchNormV3/ReadVariableOp_1`, n, bn.variance);
  const eps = Math.fround(bn.eps);
  const attr = {
    U: dtypeAttr("DT_FLOAT"),
    epsilon: { f: eps },
    exponential_avg_factor: { f: 1 },
    data_format: sAttr("NHWC"),
    is_training: { b: false },
  };
  const y = g.op(
    `${name}/FusedBatchNormV3`,
    "FusedBatchNormV3",
    [x, gamma.name, beta.name, mean.name, variance.name],
    attr,
  );
  return { y, bn: { gamma: gamma.stored, beta: beta.stored, mean: mean.stored, variance: variance.stored, eps } };
}

/** `x`, or its BN when there is one. */
export function graphMaybeBatchNorm(
  g: GraphWriter,
  x: string,
  name: string,
  bn: BnSpec | undefined,
  form: GraphBnForm,
): { y: string; bn?: BnSpec } {
  return bn === undefined ? { y: x } : graphBatchNorm(g, x, name, bn, form);
}

/** `x + bias` as a `BiasAdd` node `<name>/BiasAdd` (NHWC); returns the output and the bias as stored. */
export function graphBiasAdd(
  g: GraphWriter,
  x: string,
  name: string,
  bias: Float64Array,
): { y: string; bias: Float64Array } {
  const b = g.floatConst(`${name}/BiasAdd/ReadVariableOp`, [bias.length], bias);
  return { y: g.op(`${name}/BiasAdd`, "BiasAdd", [x, b.name], { data_format: sAttr("NHWC") }), bias: b.stored };
}
