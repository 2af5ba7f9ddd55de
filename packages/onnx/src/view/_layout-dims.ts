import type { GraphProto, NodeProto } from "onnx-buf";
import { intAttribute, intsAttribute, isOnnxDomain } from "../codec/_attributes.js";
import type { OnnxConstant } from "./_constant-table.js";
import type { Dims } from "./_infer-shapes.js";
import { padAmounts } from "./_pad-amounts.js";

/** The int values of a constant (a Reshape's shape), else undefined. */
export function constantInts(c: OnnxConstant | undefined): number[] | undefined {
  if (c === undefined) return undefined;
  const v = c.read();
  return v.dtype === "int64" || v.dtype === "int32" ? Array.from(v.values, Number) : undefined;
}

/** Reshape's output dims: 0 copies the input's dim (unless allowzero), one -1 takes what is left. */
export function reshapeDims(node: NodeProto, x: Dims | undefined, spec: readonly number[]): Dims | undefined {
  const allowZero = intAttribute(node, "allowzero", 0) === 1;
  const out: (number | undefined)[] = spec.map((d, i) => (d === 0 && !allowZero ? x?.[i] : d));
  const free = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (free.length > 1 || out.some((d) => d !== undefined && d < -1)) return undefined;
  if (free.length === 1) {
    const total = x?.every((d) => d !== undefined) ? x.reduce<number>((a, d) => a * d!, 1) : undefined;
    const rest = out.reduce<number | undefined>(
      (a, d) => (a === undefined || d === undefined || d === -1 ? (d === -1 ? a : undefined) : a * d),
      1,
    );
    out[free[0]!] =
      total !== undefined && rest !== undefined && rest > 0 && total % rest === 0 ? total / rest : undefined;
  }
  return out;
}

/** One axis of a pool's output: floor((n + pads - kernel) / stride) + 1 (floor mode only; else unknown). */
function poolAxis(n: number | undefined, k: number, s: number, begin: number, end: number): number | undefined {
  if (n === undefined) return undefined;
  const room = n + begin + end - k;
  return room < 0 || s < 1 ? undefined : Math.floor(room / s) + 1;
}

function infer(
  node: NodeProto,
  dims: (t: string) => Dims | undefined,
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
): Dims | undefined {
  const x = dims(node.input[0] ?? "");
  switch (node.opType) {
    case "BatchNormalization":
    case "Identity":
      return x;
    case "Reshape": {
      const spec = constantInts(constants.get(node.input[1] ?? ""));
      return spec === undefined ? undefined : reshapeDims(node, x, spec);
    }
    case "Transpose": {
      if (x === undefined) return undefined;
      const perm = intsAttribute(node, "perm") ?? x.map((_, i) => x.length - 1 - i);
      return perm.length === x.length ? perm.map((p) => x[p]) : undefined;
    }
    case "Pad": {
      const p = x === undefined ? undefined : padAmounts(node, constants, opset, x.length)?.pads;
      if (x === undefined || p?.length !== 2 * x.length) return undefined;
      return x.map((d, i) => (d === undefined ? undefined : d + p[i]! + p[i + x.length]!));
    }
    case "AveragePool": {
      const k = intsAttribute(node, "kernel_shape");
      if (x === undefined || k === undefined || k.length !== x.length - 2 || intAttribute(node, "ceil_mode", 0) !== 0)
        return undefined;
      const s = intsAttribute(node, "strides") ?? k.map(() => 1);
      const p = intsAttribute(node, "pads") ?? [...k, ...k].map(() => 0);
      return [x[0], x[1], ...k.map((kk, i) => poolAxis(x[i + 2], kk, s[i]!, p[i]!, p[i + k.length]!))];
    }
    case "MatMul": {
      const w = constants.get(node.input[1] ?? "");
      if (x === undefined || x.length < 2 || w?.dims.length !== 2) return undefined;
      return [...x.slice(0, -1), w.dims[1]];
    }
    default:
      return undefined;
  }
}

/**
 * A tensor's dims as `shapes` knows them or, where it does not, as a small
 * propagation through the ops that move channels for pre-BN sinking
 * (Reshape with a constant shape, Transpose, Pad, AveragePool of any rank,
 * MatMul by a constant, BatchNormalization, Identity) computes them, on
 * demand, once per tensor.
 */
export function layoutDims(
  graph: GraphProto,
  constants: ReadonlyMap<string, OnnxConstant>,
  shapes: ReadonlyMap<string, Dims>,
  opset: number,
): (tensor: string) => Dims | undefined {
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) if (o !== "") producer.set(o, n);
  const memo = new Map<string, Dims | undefined>();
  const dims = (t: string): Dims | undefined => {
    const known = shapes.get(t);
    if (known !== undefined) return known;
    if (memo.has(t)) return memo.get(t);
    memo.set(t, undefined); // a cycle reads unknown
    const p = producer.get(t);
    const d = p !== undefined && isOnnxDomain(p) && p.output[0] === t ? infer(p, dims, constants, opset) : undefined;
    memo.set(t, d);
    return d;
  };
  return dims;
}
