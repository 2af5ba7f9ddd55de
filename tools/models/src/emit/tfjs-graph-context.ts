import { ReparamError, batchNormAffine, foldBatchNorm, oihwToHwcm, oihwToHwio } from "@reparam/core";
import type { AttrValueJson, NodeDefJson } from "@reparam/tfjs";
import type { ArchBlock, ConvBranch } from "../arch/arch.js";
import { bnTensors, convTensors } from "../weights/state-dict-tensors.js";
import type { TensorSpec } from "../weights/tensor-spec.js";
import { floatValues } from "../weights/tensor-values.js";
import { convAttrs, convOpName, dtypeAttr, sAttr, tensorShape } from "./_graph-attrs.js";
import type { LazyWeight } from "./lazy-weight.js";
import { layerName } from "./tfjs-layers-context.js";

const T = { T: dtypeAttr("DT_FLOAT") };

/** Options of {@link TfjsGraphContext.conv}. */
export interface GraphConvOptions {
  /** Fused ops after BiasAdd (`Relu`). */
  readonly extra?: readonly string[];
  /** How a strided padded conv pads: a `Pad` node (default), nothing, or attributes (see {@link tfPadding}). */
  readonly pad?: "node" | "none" | "attr";
  /** Input height = width, for `pad: "attr"`. */
  readonly size?: number;
  /** Changes the OIHW kernel values before folding and the layout transpose. */
  readonly kernel?: (oihw: Float32Array) => Float32Array;
}

/**
 * Collects the nodes of a TF.js GraphDef (Consts apart, as the converter
 * lists them first) and their weights (manifest order = Const order), with
 * the converter's names under `scope` (`StatefulPartitionedCall/<model>`).
 * Values are the PyTorch state dict's for `seed`, folded in float64 and
 * rounded once to float32 where the converter folds.
 */
export class TfjsGraphContext {
  readonly consts: NodeDefJson[] = [];
  readonly ops: NodeDefJson[] = [];
  readonly weights: LazyWeight[] = [];
  private standaloneBns = 0;

  constructor(
    readonly scope: string,
    readonly seed: number,
    readonly bnEps: number,
  ) {}

  /** A Const node `<scope>/<name>` whose values are the weight of that name. */
  constant(
    name: string,
    shape: readonly number[],
    values: () => Float32Array | Int32Array,
    dtype: "float32" | "int32" = "float32",
  ): string {
    const full = `${this.scope}/${name}`;
    const dt = dtype === "int32" ? "DT_INT32" : "DT_FLOAT";
    this.consts.push({
      name: full,
      op: "Const",
      attr: { value: { tensor: { dtype: dt, tensorShape: tensorShape(shape) } }, dtype: dtypeAttr(dt) },
    });
    this.weights.push({ name: full, shape, ...(dtype === "int32" ? { dtype } : {}), values });
    return full;
  }

  /** A float Const with the values of `spec` (optionally transformed). */
  tensor(
    name: string,
    spec: TensorSpec,
    shape = spec.shape,
    transform: (v: Float32Array) => Float32Array = (v) => v,
  ): string {
    return this.constant(name, shape, () => transform(floatValues(spec, this.seed)));
  }

  /** A node `<scope>/<name>` (`T` float unless given); returns its name. */
  op(name: string, op: string, input: readonly string[], attr: Record<string, AttrValueJson> = {}): string {
    const full = name === "Identity" ? name : `${this.scope}/${name}`;
    this.ops.push({ name: full, op, input, attr: { ...T, ...attr } });
    return full;
  }

  /**
   * A conv branch as the converter writes it: with its BN folded in
   * (`_FusedConv2D` / `FusedDepthwiseConv2dNative`, fused_ops BiasAdd,
   * W' = W * gamma / sqrt(var + eps), b' = beta + (b - mean) * gamma / sqrt(var + eps)),
   * with its own bias (BiasAdd, plus `extra` fused ops), or bare (`Conv2D`).
   * Padding (`pad`): `node` (default), strided padded convs after an
   * explicit `Pad` then VALID, others SAME (exact at stride 1 for odd
   * kernels) or VALID (1x1); `none`, VALID (a conv that pads nothing
   * itself); `attr`, the pads k // 2 spelled as `tfjsAdapter` spells a fused
   * block's: SAME when TF's SAME pads equal them at this input size, else
   * VALID when zero, else EXPLICIT with `explicit_paddings`.
   * `kernel` changes the OIHW values first.
   *
   * @throws ReparamError `MODELS_UNSUPPORTED` for grouped, not depthwise, convs.
   */
  conv(x: string, b: ArchBlock, br: ConvBranch, o: GraphConvOptions = {}): string {
    const layer = layerName(br.conv);
    const depthwise = b.groups > 1 && b.groups === b.inChannels && b.inChannels === b.outChannels;
    if (b.groups > 1 && !depthwise) unsupported(br.conv, b.groups);
    const [kh, kw] = br.kernel;
    const shape = [b.outChannels, b.inChannels / b.groups, kh, kw] as const;
    const [w, bias] = convTensors(br.conv, shape, br.bias) as [TensorSpec, TensorSpec | undefined];
    const bn = br.bn === undefined ? undefined : this.bnValues(br.bn, b.outChannels);
    const kernelShape = depthwise ? [kh, kw, b.inChannels, 1] : [kh, kw, shape[1], b.outChannels];
    const toTf = (v: ArrayLike<number>) =>
      Float32Array.from((depthwise ? oihwToHwcm(v, shape, b.inChannels) : oihwToHwio(v, shape)).data);
    const k = this.constant(`${layer}/Conv2D_weights`, kernelShape, () => {
      const v = (o.kernel ?? ((u: Float32Array) => u))(floatValues(w, this.seed));
      return toTf(
        bn === undefined ? v : foldBatchNorm({ data: v, shape: [...shape] }, undefined, bn(), br.bn).kernel.data,
      );
    });
    const padded = kh * kw > 1 && b.stride > 1 && o.pad !== "none" && o.pad !== "attr";
    const inputs = [padded ? this.pad(x, `${layer}_pad`, kh >> 1, kw >> 1) : x, k];
    if (bn !== undefined || bias !== undefined) {
      inputs.push(
        this.constant(`${layer}/Conv2D_bn_offset`, [b.outChannels], () => {
          const own = bias === undefined ? undefined : floatValues(bias, this.seed);
          if (bn === undefined) return own!;
          const p = bn();
          const { scale } = batchNormAffine(p, br.bn);
          return Float32Array.from(scale, (t, c) => p.beta[c]! + ((own?.[c] ?? 0) - p.mean[c]!) * t);
        }),
      );
    }
    const attr = o.pad === "attr" ? tfPadding(br.kernel, b.stride, o.size) : undefined;
    const explicit = attr === "EXPLICIT" ? ([kh >> 1, kw >> 1] as const) : undefined;
    const padding = attr ?? (b.stride > 1 || kh * kw === 1 || o.pad === "none" ? "VALID" : "SAME");
    const fused = inputs.length === 3 ? ["BiasAdd", ...(o.extra ?? [])] : undefined;
    const op = convOpName(depthwise, fused !== undefined);
    const name =
      br.bn === undefined
        ? `${layer}/${fused === undefined ? "Conv2D" : fused.at(-1)!}`
        : `${layerName(br.bn)}/FusedBatchNormV3`;
    return this.op(name, op, inputs, convAttrs(b.stride, padding, fused, explicit));
  }

  /**
   * A BN not after a conv (identity branch, post-sum): alternately
   * `FusedBatchNormV3` (is_training false) and the converter's other form,
   * `Mul` + `AddV2` with per-channel constants scale and shift (float64, rounded once).
   */
  batchNorm(x: string, path: string, channels: number): string {
    const L = layerName(path);
    const bn = this.bnValues(path, channels);
    if (this.standaloneBns++ % 2 === 0) {
      const [g, be, m, v] = bnTensors(path, channels) as [TensorSpec, TensorSpec, TensorSpec, TensorSpec];
      const inputs = [x, this.tensor(`${L}/ReadVariableOp`, g), this.tensor(`${L}/ReadVariableOp_1`, be)];
      inputs.push(
        this.tensor(`${L}/FusedBatchNormV3/ReadVariableOp`, m),
        this.tensor(`${L}/FusedBatchNormV3/ReadVariableOp_1`, v),
      );
      const attr = {
        U: dtypeAttr("DT_FLOAT"),
        epsilon: { f: this.bnEps },
        exponential_avg_factor: { f: 1 },
        data_format: sAttr("NHWC"),
        is_training: { b: false },
      };
      return this.op(`${L}/FusedBatchNormV3`, "FusedBatchNormV3", inputs, attr);
    }
    const scale = this.constant(`${L}/batchnorm/mul`, [channels], () =>
      Float32Array.from(batchNormAffine(bn(), path).scale),
    );
    const shift = this.constant(`${L}/batchnorm/sub`, [channels], () =>
      Float32Array.from(batchNormAffine(bn(), path).shift),
    );
    return this.op(`${L}/batchnorm/add_1`, "AddV2", [this.op(`${L}/batchnorm/mul_1`, "Mul", [x, scale]), shift]);
  }

  /** `Mean` over H and W (`name/Mean`). */
  mean(x: string, name: string, keepDims: boolean): string {
    const axes = this.constant(`${name}/Mean/reduction_indices`, [2], () => Int32Array.from([1, 2]), "int32");
    return this.op(`${name}/Mean`, "Mean", [x, axes], { Tidx: dtypeAttr("DT_INT32"), keep_dims: { b: keepDims } });
  }

  /** `x` after a zero `Pad` (`<name>/Pad`) of (ph, pw) on each side of H and W. */
  pad(x: string, name: string, ph: number, pw: number): string {
    const p = this.constant(
      `${name}/Pad/paddings`,
      [4, 2],
      () => Int32Array.from([0, 0, ph, ph, pw, pw, 0, 0]),
      "int32",
    );
    return this.op(`${name}/Pad`, "Pad", [x, p], { Tpaddings: dtypeAttr("DT_INT32") });
  }

  private bnValues(path: string, channels: number) {
    const specs = bnTensors(path, channels);
    return () => {
      const [gamma, beta, mean, variance] = specs.slice(0, 4).map((s) => floatValues(s, this.seed)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      return { gamma, beta, mean, variance, eps: this.bnEps };
    };
  }
}

/**
 * TF's spelling of symmetric pads k // 2 at `stride` for an input of `size`:
 * SAME when TF's SAME pads (total max((ceil(n / s) - 1) * s + k - n, 0),
 * the odd one at the end) are those, else VALID when they are zero, else EXPLICIT.
 */
function tfPadding(
  kernel: readonly [number, number],
  stride: number,
  size: number | undefined,
): "SAME" | "VALID" | "EXPLICIT" {
  const same = (k: number) => {
    if (size === undefined) return stride === 1;
    const total = Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
    return Math.floor(total / 2) === k >> 1 && total - Math.floor(total / 2) === k >> 1;
  };
  if (same(kernel[0]) && same(kernel[1])) return "SAME";
  return kernel[0] === 1 && kernel[1] === 1 ? "VALID" : "EXPLICIT";
}

function unsupported(path: string, groups: number): never {
  throw new ReparamError("MODELS_UNSUPPORTED", "TF.js has no grouped Conv2D", {
    where: path,
    expected: "groups 1 or depthwise (groups = in = out channels)",
    found: `groups ${groups}`,
    hint: "use an architecture without grouped layers (not repvgg-b1g2/b1g4) for tfjs-graph",
  });
}
