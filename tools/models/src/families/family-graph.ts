import type { AttrValueJson, NodeDefJson } from "@reparam/tfjs";
import { convAttrs, convOpName, dtypeAttr, intsAttr, sAttr, stringsAttr, tensorShape } from "../emit/_graph-attrs.js";
import type { LazyWeight } from "../emit/lazy-weight.js";
import type { FamilyNet, FamilyStep, StateDict } from "./family-net.js";
import { extraGraphStep } from "./family-graph-ops.js";
import { batchNormAt, batchNormScaleShift, tensor, tfConv, tfDenseKernel } from "./family-weights.js";

const T = { T: dtypeAttr("DT_FLOAT") };

/** Nodes (Consts first, then the input, then ops), weights (Const order), and the output node. */
export interface FamilyGraph {
  readonly nodes: NodeDefJson[];
  readonly weights: LazyWeight[];
  readonly output: string;
}

/** The (first) tensor a step reads. */
export const firstInput = (s: FamilyStep): string => {
  if (s.op === "add" || s.op === "concat") return s.xs[0]!;
  if (s.op === "sub" || s.op === "matmul") return s.a;
  if (s.op === "binary") return "tensor" in s.a ? s.a.tensor : (s.b as { tensor: string }).tensor;
  return s.x;
};

type ConvStep = Extract<FamilyStep, { op: "conv" }>;

/** A conv step's padding `[top, left, bottom, right]`. */
export const convPads = (s: ConvStep): readonly [number, number, number, number] =>
  s.pads ?? [s.pad, s.pad, s.pad, s.pad];

/**
 * TF's padding of a conv (`k` = kh; kw from `kernelW`, square when left
 * out): VALID when unpadded, SAME when it pads as TF's SAME does (stride 1,
 * `dilation * (k - 1) / 2` on each side), else a `Pad` node.
 */
export function padMode(s: ConvStep, k: number, kernelW = k): "VALID" | "SAME" | "PAD" {
  const [t, l, b, r] = convPads(s);
  if (t === 0 && l === 0 && b === 0 && r === 0) return "VALID";
  const same = (p: number, q: number, kk: number) => p === q && 2 * p === s.dilation * (kk - 1);
  return s.stride === 1 && (s.strideW ?? 1) === 1 && same(t, b, k) && same(l, r, kernelW) ? "SAME" : "PAD";
}

/**
 * A family net as the TF.js converter writes the Keras net in inference
 * mode (NHWC): conv+BN as one `_FusedConv2D` / `FusedDepthwiseConv2dNative`
 * (fused_ops BiasAdd, BN folded in float64, rounded once), a conv with its
 * own bias the same, strides and `dilations` as attributes, SAME where TF's
 * SAME pads are PyTorch's, else an explicit `Pad` then VALID; BNs not after
 * a conv alternately `FusedBatchNormV3` (is_training false) and `Mul` +
 * `AddV2` with the folded scale and shift (always the latter on 2-D
 * tensors); sums as `AddV2` chains, differences `Sub`, layer scale and
 * alpha `Mul` by a Const (`[C]`, or a scalar); Linear as `MatMul` (kernel
 * `[in, out]`), with a bias `_FusedMatMul` (BiasAdd); ReLU `Relu`, SiLU
 * `Sigmoid` + `Mul`; the output `Identity`.
 */
export function familyGraph(net: FamilyNet, dict: StateDict): FamilyGraph {
  const scope = `StatefulPartitionedCall/${net.name}`;
  const consts: NodeDefJson[] = [];
  const ops: NodeDefJson[] = [];
  const weights: LazyWeight[] = [];
  const channels = new Map<string, number>([["input", net.input.at(-1)!]]);
  const names = new Map<string, string>([["input", "input_1"]]);
  const rank2 = net.input.length === 2;
  let bns = 0;
  const layer = (name: string) => `${scope}/${name.replaceAll(".", "_")}`;
  const constant = (name: string, shape: readonly number[], values: Float32Array | Int32Array): string => {
    const int = values instanceof Int32Array;
    const dt = int ? "DT_INT32" : "DT_FLOAT";
    consts.push({
      name,
      op: "Const",
      attr: { value: { tensor: { dtype: dt, tensorShape: tensorShape(shape) } }, dtype: dtypeAttr(dt) },
    });
    weights.push({ name, shape, ...(int ? { dtype: "int32" as const } : {}), values: () => values });
    return name;
  };
  const op = (name: string, kind: string, input: readonly string[], attr: Record<string, AttrValueJson> = {}) => {
    ops.push({ name, op: kind, input, attr: { ...T, ...attr } });
    return name;
  };
  const x = (t: string) => names.get(t)!;
  for (const s of net.steps) {
    const L = layer(s.name);
    let out: string;
    let c = channels.get(firstInput(s))!;
    switch (s.op) {
      case "conv": {
        const inC = channels.get(s.x)!;
        const { kernel, kernelShape, bias } = tfConv(dict, s, inC, net.eps);
        const [kh, kw] = kernelShape as [number, number];
        c = s.depthwise ? inC * kernelShape[3]! : kernelShape[3]!;
        const mode = padMode(s, kh, kw);
        let input = x(s.x);
        if (mode === "PAD") {
          const [t, l, b, r] = convPads(s);
          const p = constant(`${L}_pad/Pad/paddings`, [4, 2], Int32Array.from([0, 0, t, b, l, r, 0, 0]));
          input = op(`${L}_pad/Pad`, "Pad", [input, p], { Tpaddings: dtypeAttr("DT_INT32") });
        }
        const inputs = [input, constant(`${L}/Conv2D/ReadVariableOp`, kernelShape, kernel)];
        if (bias !== undefined) inputs.push(constant(`${L}/BiasAdd/ReadVariableOp`, [c], bias));
        const fused = bias === undefined ? undefined : ["BiasAdd"];
        const kind = convOpName(s.depthwise === true, fused !== undefined);
        const attr = convAttrs(s.stride, mode === "SAME" ? "SAME" : "VALID", fused);
        attr.dilations = intsAttr([1, s.dilation, s.dilation, 1]);
        if (s.strideW !== undefined) attr.strides = intsAttr([1, s.stride, s.strideW, 1]);
        out = op(`${L}/${fused === undefined ? "Conv2D" : "BiasAdd"}`, kind, inputs, attr);
        break;
      }
      case "bn": {
        const bn = batchNormAt(dict, s.bn, net.eps);
        if (!rank2 && bns++ % 2 === 0) {
          const v = (k: string) => tensor(dict, `${s.bn}.${k}`).data;
          const inputs = [x(s.x), constant(`${L}/ReadVariableOp`, [c], v("weight"))];
          inputs.push(constant(`${L}/ReadVariableOp_1`, [c], v("bias")));
          inputs.push(constant(`${L}/FusedBatchNormV3/ReadVariableOp`, [c], v("running_mean")));
          inputs.push(constant(`${L}/FusedBatchNormV3/ReadVariableOp_1`, [c], v("running_var")));
          out = op(`${L}/FusedBatchNormV3`, "FusedBatchNormV3", inputs, {
            U: dtypeAttr("DT_FLOAT"),
            epsilon: { f: net.eps },
            exponential_avg_factor: { f: 1 },
            data_format: sAttr("NHWC"),
            is_training: { b: false },
          });
        } else {
          const { scale, shift } = batchNormScaleShift(bn, s.bn);
          const mul = op(`${L}/batchnorm/mul_1`, "Mul", [x(s.x), constant(`${L}/batchnorm/mul`, [c], scale)]);
          out = op(`${L}/batchnorm/add_1`, "AddV2", [mul, constant(`${L}/batchnorm/sub`, [c], shift)]);
        }
        break;
      }
      case "add":
        out = x(s.xs[0]!);
        s.xs.slice(1).forEach((t, i) => {
          out = op(`${L}/add${i === 0 ? "" : `_${i}`}`, "AddV2", [out, x(t)]);
        });
        break;
      case "sub":
        out = op(`${L}/sub`, "Sub", [x(s.a), x(s.b)]);
        break;
      case "scale": {
        const w = tensor(dict, s.key);
        // [C, 1, 1] (NCHW broadcast) is [C] in NHWC; alpha [1] a scalar.
        const shape = w.data.length === 1 ? [] : [w.data.length];
        out = op(`${L}/mul`, "Mul", [x(s.x), constant(`${L}/ReadVariableOp`, shape, w.data)]);
        break;
      }
      case "act":
        if (s.fn === "relu") out = op(`${L}/Relu`, "Relu", [x(s.x)]);
        else out = op(`${L}/mul`, "Mul", [x(s.x), op(`${L}/Sigmoid`, "Sigmoid", [x(s.x)])]);
        break;
      case "dense": {
        const { kernel, shape } = tfDenseKernel(dict, s.weight);
        c = shape[1];
        const inputs = [x(s.x), constant(`${L}/MatMul/ReadVariableOp`, shape, kernel)];
        const attr: Record<string, AttrValueJson> = { transpose_a: { b: false }, transpose_b: { b: false } };
        if (s.bias === undefined) out = op(`${L}/MatMul`, "MatMul", inputs, attr);
        else {
          inputs.push(constant(`${L}/BiasAdd/ReadVariableOp`, [c], tensor(dict, s.bias).data));
          Object.assign(attr, {
            fused_ops: stringsAttr(["BiasAdd"]),
            num_args: { i: "1" },
            epsilon: { f: 0 },
            leakyrelu_alpha: { f: 0.2 },
          });
          out = op(`${L}/BiasAdd`, "_FusedMatMul", inputs, attr);
        }
        break;
      }
      default:
        ({ out, c } = extraGraphStep(s, L, c, { op, constant, x, channels: (t) => channels.get(t)! }, dict, net.eps));
    }
    channels.set(s.name, c);
    names.set(s.name, out);
  }
  const last = x(net.steps.at(-1)!.name);
  const identity = { name: "Identity", op: "Identity", input: [last], attr: { ...T } };
  const shape = rank2 ? [-1, net.input[1]!] : [-1, ...net.input.slice(1)];
  const placeholder: NodeDefJson = {
    name: "input_1",
    op: "Placeholder",
    attr: { dtype: dtypeAttr("DT_FLOAT"), shape: { shape: tensorShape(shape) } },
  };
  return { nodes: [...consts, placeholder, ...ops, identity], weights, output: "Identity" };
}
