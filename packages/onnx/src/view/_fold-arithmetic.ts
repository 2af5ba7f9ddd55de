import { TensorProto_DataType as DT } from "onnx-buf";
import { intAttribute } from "../codec/_attributes.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import {
  type FoldPlanner,
  broadcastDims,
  broadcastMap,
  foldCount,
  isFoldFloat,
  isFoldInt,
  rounding,
  tryRead,
  wrapInts,
} from "./_fold-tensor.js";

// Elementwise arithmetic and Cast. Floats are computed in float64 and not
// rounded to their type here (the constant is rounded once, where it is
// read, or by a Cast); integers are exact (BigInt), wrapped to their width.

type FloatOp = (a: number, b: number) => number;
type IntOp = (a: bigint, b: bigint) => bigint | undefined;

const FLOAT_OPS: Readonly<Record<string, FloatOp>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};
const INT_OPS: Readonly<Record<string, IntOp>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => (b === 0n ? undefined : a / b), // truncates toward zero, as onnxruntime's integer Div
};

/** Add, Sub, Mul, Div of two constants of one type, numpy broadcast. Integer division by zero does not fold. */
export const planBinary: FoldPlanner = (node, [a, b]) => {
  const f = FLOAT_OPS[node.opType];
  const g = INT_OPS[node.opType];
  if (a === undefined || b === undefined || f === undefined || g === undefined || a.dataType !== b.dataType)
    return undefined;
  const dims = broadcastDims(a.dims, b.dims);
  const { dataType } = a;
  if (dims === undefined || foldCount(dims) === undefined || !(isFoldFloat(dataType) || isFoldInt(dataType)))
    return undefined;
  if (isFoldInt(dataType) && node.opType === "Div") {
    const divisor = tryRead(b);
    if (divisor === undefined || (divisor.values as BigInt64Array).includes(0n)) return undefined;
  }
  return {
    dims,
    dataType,
    reads: [0, 1],
    run: ([x, y]) => {
      const mx = broadcastMap(a.dims, dims);
      const my = broadcastMap(b.dims, dims);
      if (isFoldFloat(dataType)) {
        const u = x!.values as Float64Array;
        const v = y!.values as Float64Array;
        return { dims, dataType, values: Float64Array.from(mx, (i, k) => f(u[i]!, v[my[k]!]!)) };
      }
      const u = x!.values as BigInt64Array;
      const v = y!.values as BigInt64Array;
      const values = new BigInt64Array(mx.length);
      for (let k = 0; k < mx.length; k++) {
        const r = g(u[mx[k]!]!, v[my[k]!]!);
        values[k] = BigInt.asIntN(64, r ?? 0n); // never undefined: a zero divisor does not plan
      }
      return { dims, dataType, values: wrapInts(values, dataType) };
    },
  };
};

/**
 * Cast between the float and int types read here: float to float rounds
 * once to the target (DOUBLE keeps all), int to float converts exactly and
 * rounds once, float to int truncates toward zero (NaN, infinities and
 * values out of the target's range do not fold: their result is undefined).
 */
export const planCast: FoldPlanner = (node, [x]) => {
  const to = intAttribute(node, "to", Number.NaN);
  if (x === undefined || dtypeOf(to) === undefined) return undefined;
  const dims = x.dims;
  // Between floats and ints the values decide whether the Cast is defined (or exact): read them now.
  if (isFoldFloat(to) !== isFoldFloat(x.dataType)) {
    const v = tryRead(x);
    if (v === undefined) return undefined;
    const ok = isFoldFloat(to)
      ? (v.values as BigInt64Array).every((i) => Number.isSafeInteger(Number(i)))
      : (v.values as Float64Array).every((t) => Math.abs(Math.trunc(t)) < 2 ** (to === DT.INT32 ? 31 : 63));
    if (!ok) return undefined;
  }
  return {
    dims,
    dataType: to,
    reads: [0],
    run: ([v]) => {
      const r = rounding(to) ?? ((t: number) => t);
      if (isFoldFloat(to)) {
        const values = isFoldInt(x.dataType)
          ? Float64Array.from(v!.values as BigInt64Array, (i) => r(Number(i))) // safe integers (checked): exact in float64, rounded once
          : (v!.values as Float64Array).map(r);
        return { dims, dataType: to, values };
      }
      if (isFoldInt(x.dataType))
        return { dims, dataType: to, values: wrapInts(BigInt64Array.from(v!.values as BigInt64Array), to) };
      const values = BigInt64Array.from(v!.values as Float64Array, (t) => BigInt(Math.trunc(t))); // finite and in range (checked)
      return { dims, dataType: to, values };
    },
  };
};
