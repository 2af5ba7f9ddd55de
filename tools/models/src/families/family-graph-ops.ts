import { ReparamError } from "@reparam/core";
import type { AttrValueJson } from "@reparam/tfjs";
import { dtypeAttr, intsAttr, sAttr } from "../emit/_graph-attrs.js";
import type { FamilyStep, Operand, StateDict } from "./family-net.js";
import { tensor } from "./family-weights.js";

/** What {@link familyGraph} lends the emitter of a step: nodes, Consts, tensor names, channel counts. */
export interface GraphEmitter {
  op(name: string, kind: string, input: readonly string[], attr?: Record<string, AttrValueJson>): string;
  constant(name: string, shape: readonly number[], values: Float32Array | Int32Array): string;
  /** The node that computes tensor `t` of the net. */
  x(t: string): string;
  /** The channels of tensor `t`. */
  channels(t: string): number;
}

type ExtraStep = Extract<FamilyStep, { op: "binary" | "unary" | "concat" | "maxpool" }>;

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
 * as `MaxPool` (VALID). Returns the output node and its channels.
 */
export function extraGraphStep(
  s: ExtraStep,
  L: string,
  c: number,
  g: GraphEmitter,
  dict: StateDict,
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
