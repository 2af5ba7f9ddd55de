import { ReparamError } from "@reparam/core";
import type { AttrValueJson } from "@reparam/tfjs";
import { dtypeAttr, intsAttr, sAttr } from "../emit/_graph-attrs.js";
import type { FamilyStep, Operand, StateDict } from "./family-net.js";
import { batchNormAt, batchNormScaleShift, tensor } from "./family-weights.js";

/** What {@link familyGraph} lends the emitter of a step: nodes, Consts, tensor names, channel counts. */
export interface GraphEmitter {
  op(name: string, kind: string, input: readonly string[], attr?: Record<string, AttrValueJson>): string;
  constant(name: string, shape: readonly number[], values: Float32Array | Int32Array): string;
  /** The node that computes tensor `t` of the net. */
  x(t: string): string;
  /** The channels of tensor `t`. */
  channels(t: string): number;
}

/** The steps {@link familyGraph} itself does not write. */
type ExtraStep = Exclude<FamilyStep, { op: "conv" | "bn" | "add" | "sub" | "scale" | "act" | "dense" }>;

const BINARY = { add: "AddV2", sub: "Sub", mul: "Mul", div: "RealDiv" } as const;

/**
 * A state-dict constant as an NHWC broadcast Const: `[C, 1, 1]`,
 * `[1, C, 1, 1]` or `[C]` as `[C]`; one value as a scalar.
 */
function constantShape(shape: readonly number[], n: number, where: string): number[] {
  if (n === 1) return [];
  const r = shape.length;
  const perChannel = r === 1 || (r >= 3 && shape[r - 3] === n && shape.every((d, i) => i === r - 3 || d === 1));
  if (perChannel) return [n];
  throw new ReparamError("MODELS_UNSUPPORTED", "a constant operand has no NHWC broadcast", {
    where,
    expected: "[C], [C, 1, 1], [1, C, 1, 1] or one value",
    found: `[${shape.join(", ")}]`,
  });
}

/**
 * The TF nodes of the steps {@link familyGraph} leaves to this file
 * (families2): `binary` as `AddV2` / `Sub` / `Mul` / `RealDiv` (a
 * constant operand a Const, `[C]` or scalar), `unary` as `Relu`, `Sigmoid`,
 * `Erf`, `LeakyRelu` (`alpha`), HardSwish as Keras writes it
 * (x * Relu6(x + 3) * (1/6)); `concat` as `ConcatV2` on axis 3; `maxpool`
 * as `MaxPool` (VALID); tokens: `Reshape`, `Transpose`, `BatchMatMulV2`,
 * `Softmax`, AvgPool1d as Keras writes it (`ExpandDims`, `AvgPool`,
 * `Squeeze`), a BN on the last axis of any rank (`affineBn`) as `Mul` +
 * `AddV2`. Returns the output node and its channels (the last axis).
 */
export function extraGraphStep(
  s: ExtraStep,
  L: string,
  c: number,
  g: GraphEmitter,
  dict: StateDict,
  eps: number,
): { out: string; c: number } {
  switch (s.op) {
    case "binary": {
      const operand = (o: Operand, i: number) => {
        if ("tensor" in o) return g.x(o.tensor);
        const t = tensor(dict, o.key);
        const shape = constantShape(t.shape, t.data.length, `${s.name} ${o.key}`);
        return g.constant(`${L}/${i === 0 ? "x" : "y"}`, shape, t.data);
      };
      const kind = BINARY[s.fn];
      return { out: g.op(`${L}/${kind}`, kind, [operand(s.a, 0), operand(s.b, 1)]), c };
    }
    case "unary": {
      const x = g.x(s.x);
      if (s.fn === "hardswish") {
        const add = g.op(`${L}/add`, "AddV2", [x, g.constant(`${L}/add/y`, [], Float32Array.of(3))]);
        const sixth = g.constant(`${L}/mul/y`, [], Float32Array.of(1 / 6));
        const hs = g.op(`${L}/mul`, "Mul", [g.op(`${L}/Relu6`, "Relu6", [add]), sixth]);
        return { out: g.op(`${L}/mul_1`, "Mul", [x, hs]), c };
      }
      const kind = { relu: "Relu", sigmoid: "Sigmoid", erf: "Erf", leakyrelu: "LeakyRelu" }[s.fn];
      const attr: Record<string, AttrValueJson> = s.fn === "leakyrelu" ? { alpha: { f: s.alpha ?? 0.2 } } : {};
      return { out: g.op(`${L}/${kind}`, kind, [x], attr), c };
    }
    case "concat": {
      const axis = g.constant(`${L}/concat/axis`, [], Int32Array.of(3));
      const out = g.op(`${L}/concat`, "ConcatV2", [...s.xs.map(g.x), axis], {
        N: { i: String(s.xs.length) },
        Tidx: dtypeAttr("DT_INT32"),
      });
      return { out, c: s.xs.reduce((n, t) => n + g.channels(t), 0) };
    }
    case "reshape":
      return {
        out: g.op(
          `${L}/Reshape`,
          "Reshape",
          [g.x(s.x), g.constant(`${L}/Reshape/shape`, [s.shape.length], Int32Array.from(s.shape))],
          {
            Tshape: dtypeAttr("DT_INT32"),
          },
        ),
        c: s.shape.at(-1)!,
      };
    case "transpose":
      return {
        out: g.op(
          `${L}/transpose`,
          "Transpose",
          [g.x(s.x), g.constant(`${L}/transpose/perm`, [s.perm.length], Int32Array.from(s.perm))],
          {
            Tperm: dtypeAttr("DT_INT32"),
          },
        ),
        c,
      };
    case "matmul":
      return {
        out: g.op(`${L}/MatMul`, "BatchMatMulV2", [g.x(s.a), g.x(s.b)], { adj_x: { b: false }, adj_y: { b: false } }),
        c,
      };
    case "softmax":
      return { out: g.op(`${L}/Softmax`, "Softmax", [g.x(s.x)]), c };
    case "avgpool1d": {
      const dim = g.constant(`${L}/ExpandDims/dim`, [], Int32Array.of(1));
      const wide = g.op(`${L}/ExpandDims`, "ExpandDims", [g.x(s.x), dim], { Tdim: dtypeAttr("DT_INT32") });
      const pool = g.op(`${L}/AvgPool`, "AvgPool", [wide], {
        ksize: intsAttr([1, 1, s.k, 1]),
        strides: intsAttr([1, 1, s.k, 1]),
        padding: sAttr("VALID"),
        data_format: sAttr("NHWC"),
      });
      return { out: g.op(`${L}/Squeeze`, "Squeeze", [pool], { squeeze_dims: intsAttr([1]) }), c };
    }
    case "affineBn": {
      const { scale, shift } = batchNormScaleShift(batchNormAt(dict, s.bn, eps), s.bn);
      const mul = g.op(`${L}/batchnorm/mul_1`, "Mul", [g.x(s.x), g.constant(`${L}/batchnorm/mul`, [c], scale)]);
      return { out: g.op(`${L}/batchnorm/add_1`, "AddV2", [mul, g.constant(`${L}/batchnorm/sub`, [c], shift)]), c };
    }
    case "pad": {
      const [t, l, b, r] = s.pads;
      const p = g.constant(`${L}/Pad/paddings`, [4, 2], Int32Array.from([0, 0, t, b, l, r, 0, 0]));
      return { out: g.op(`${L}/Pad`, "Pad", [g.x(s.x), p], { Tpaddings: dtypeAttr("DT_INT32") }), c };
    }
    case "slice": {
      const begin = g.constant(`${L}/Slice/begin`, [4], Int32Array.of(0, 0, 0, s.begin));
      const size = g.constant(`${L}/Slice/size`, [4], Int32Array.of(-1, -1, -1, s.size));
      return { out: g.op(`${L}/Slice`, "Slice", [g.x(s.x), begin, size], { Index: dtypeAttr("DT_INT32") }), c: s.size };
    }
    case "subsample": {
      const zeros = (n: string) => g.constant(`${L}/StridedSlice/${n}`, [4], Int32Array.of(0, 0, 0, 0));
      const step = g.constant(`${L}/StridedSlice/strides`, [4], Int32Array.of(1, s.stride[0], s.stride[1], 1));
      const out = g.op(`${L}/StridedSlice`, "StridedSlice", [g.x(s.x), zeros("begin"), zeros("end"), step], {
        Index: dtypeAttr("DT_INT32"),
        begin_mask: { i: "15" },
        end_mask: { i: "15" },
        ellipsis_mask: { i: "0" },
        new_axis_mask: { i: "0" },
        shrink_axis_mask: { i: "0" },
      });
      return { out, c };
    }
    case "prelu": {
      const a = tensor(dict, s.key);
      const alpha = g.constant(`${L}/Prelu/alpha`, constantShape(a.shape, a.data.length, s.key), a.data);
      return { out: g.op(`${L}/Prelu`, "Prelu", [g.x(s.x), alpha]), c };
    }
    case "depthToSpace":
      return {
        out: g.op(`${L}/DepthToSpace`, "DepthToSpace", [g.x(s.x)], {
          block_size: { i: String(s.block) },
          data_format: sAttr("NHWC"),
        }),
        c: c / (s.block * s.block),
      };
    case "maxpool":
      return {
        out: g.op(`${L}/MaxPool`, "MaxPool", [g.x(s.x)], {
          ksize: intsAttr([1, s.k, s.k, 1]),
          strides: intsAttr([1, s.stride, s.stride, 1]),
          padding: sAttr("VALID"),
          data_format: sAttr("NHWC"),
        }),
        c,
      };
  }
}
