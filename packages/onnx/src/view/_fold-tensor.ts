import { narrowBFloat16, narrowFloat16, widenBFloat16, widenFloat16 } from "@reparam/core";
import { TensorProto_DataType as DT, type NodeProto } from "onnx-buf";
import type { TensorValues } from "../codec/tensor-values.js";

/**
 * A constant's exact value while the graph's constants are folded: floats as
 * float64 (never rounded to their type between folded nodes: only a Cast,
 * and the constant as its readers see it, round), integers as BigInt64
 * (int32 values wrapped to 32 bits after each op).
 */
export interface Folded {
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly values: Float64Array | BigInt64Array;
}

/** What a folded node knows of one input while it is planned. */
export interface FoldInput {
  readonly dims: readonly number[];
  readonly dataType: number;
  /** The exact value; throws when it cannot be read synchronously (a weight left in the file). */
  read(): Folded;
}

/** A node that folds: its output's dims and type, and how to compute it from the exact values of the inputs `reads` names. */
export interface FoldPlan {
  readonly dims: readonly number[];
  readonly dataType: number;
  /** Input positions whose values `run` needs (the others are read while planning, or not at all: Shape). */
  readonly reads: readonly number[];
  run(inputs: readonly (Folded | undefined)[]): Folded;
}

/** Plans one op: undefined when the node does not fold (a form not handled, too much work). */
export type FoldPlanner = (
  node: NodeProto,
  ins: readonly (FoldInput | undefined)[],
  opset: number,
) => FoldPlan | undefined;

/** No folded constant holds more elements than this (2^26): a larger one stays a node of the graph. */
export const MAX_FOLD_ELEMENTS = 2 ** 26;
/** No folded node does more multiply-adds than this (2^28, a second or two). */
export const MAX_FOLD_WORK = 2 ** 28;

const FLOATS: ReadonlySet<number> = new Set([DT.FLOAT, DT.FLOAT16, DT.BFLOAT16, DT.DOUBLE]);
const INTS: ReadonlySet<number> = new Set([DT.INT32, DT.INT64]);

export const isFoldFloat = (dataType: number): boolean => FLOATS.has(dataType);
export const isFoldInt = (dataType: number): boolean => INTS.has(dataType);

/** Product of dims, or undefined when a dim is not a non-negative safe integer or the product exceeds {@link MAX_FOLD_ELEMENTS}. */
export function foldCount(dims: readonly number[]): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    n *= d;
  }
  return n <= MAX_FOLD_ELEMENTS ? n : undefined;
}

/** Row-major strides of dims. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** An empty array of `count` values of the type's storage (Float64Array or BigInt64Array). */
export function valuesOf(dataType: number, count: number): Float64Array | BigInt64Array {
  return isFoldInt(dataType) ? new BigInt64Array(count) : new Float64Array(count);
}

/**
 * For each output position (row-major over `dims`), the flat source index
 * `source(index)` gives (-1: none). The index array is reused: copy it to keep it.
 */
export function gatherIndices(
  dims: readonly number[],
  source: (index: readonly number[]) => number,
): Int32Array | Float64Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = n < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let f = 0; f < n; f++) {
    out[f] = source(idx);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** A tensor whose element i is `values[map[i]]`, or `fill` where map[i] is -1. */
export function remap(src: Folded, dims: readonly number[], map: ArrayLike<number>, fill = 0): Folded {
  const values = valuesOf(src.dataType, map.length);
  if (values instanceof BigInt64Array) {
    const from = src.values as BigInt64Array;
    const f = BigInt(fill);
    for (let i = 0; i < map.length; i++) values[i] = map[i]! < 0 ? f : from[map[i]!]!;
  } else {
    const from = src.values as Float64Array;
    for (let i = 0; i < map.length; i++) values[i] = map[i]! < 0 ? fill : from[map[i]!]!;
  }
  return { dims, dataType: src.dataType, values };
}

/**
 * The plan of an op that only moves the elements of its first input (Slice,
 * Pad, Transpose, Gather's data): output element i of `dims` is input element
 * `source(index of i)`, or `fill` where that is -1.
 */
export function gatherPlan(
  x: FoldInput,
  dims: readonly number[],
  source: (index: readonly number[]) => number,
  fill = 0,
): FoldPlan {
  return {
    dims,
    dataType: x.dataType,
    reads: [0],
    run: ([v]) => remap(v!, dims, gatherIndices(dims, source), fill),
  };
}

/** Numpy (multidirectional) broadcast of two shapes, or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Flat index into a tensor of `dims` broadcast to `out`, for each position of `out`. */
export function broadcastMap(dims: readonly number[], out: readonly number[]): Int32Array | Float64Array {
  const lead = out.length - dims.length;
  const s = stridesOf(dims);
  return gatherIndices(out, (idx) => {
    let f = 0;
    for (let a = 0; a < dims.length; a++) if (dims[a] !== 1) f += idx[a + lead]! * s[a]!;
    return f;
  });
}

/** A rounding to a float type: to nearest, ties to even; identity for DOUBLE. */
export function rounding(to: number): ((x: number) => number) | undefined {
  if (to === DT.FLOAT) return Math.fround;
  if (to === DT.FLOAT16) return (x) => widenFloat16(narrowFloat16(x));
  if (to === DT.BFLOAT16) return (x) => widenBFloat16(narrowBFloat16(x));
  return undefined;
}

/** Wraps integers to their type's width (int32: two's complement). */
export function wrapInts(values: BigInt64Array, dataType: number): BigInt64Array {
  if (dataType === DT.INT32) for (let i = 0; i < values.length; i++) values[i] = BigInt.asIntN(32, values[i]!);
  return values;
}

/** A tensor's values as the folder holds them (floats already widened exactly by `tensorValues`). */
export function foldedOf(v: TensorValues, dims: readonly number[], dataType: number): Folded {
  if (v.dtype === "int64") return { dims, dataType, values: v.values };
  if (v.dtype === "int32") return { dims, dataType, values: BigInt64Array.from(v.values, (x) => BigInt(x)) };
  return { dims, dataType, values: v.values };
}

/** The folded value as its readers see it (a copy): floats rounded once to its type. */
export function valuesOfFolded(f: Folded): TensorValues {
  if (f.dataType === DT.INT64) return { dtype: "int64", values: (f.values as BigInt64Array).slice() };
  if (f.dataType === DT.INT32) {
    return { dtype: "int32", values: Int32Array.from(f.values as BigInt64Array, (x) => Number(BigInt.asIntN(32, x))) };
  }
  const r = rounding(f.dataType);
  const v = f.values as Float64Array;
  const dtype =
    f.dataType === DT.FLOAT
      ? "float32"
      : f.dataType === DT.FLOAT16
        ? "float16"
        : f.dataType === DT.BFLOAT16
          ? "bfloat16"
          : "float64";
  return { dtype, values: r === undefined ? v.slice() : v.map(r) };
}

/** Integer values of a small int tensor as safe numbers, or undefined (floats, unsafe values). */
export function intList(f: Folded): number[] | undefined {
  if (!isFoldInt(f.dataType)) return undefined;
  const out = Array.from(f.values as BigInt64Array, Number);
  return out.every(Number.isSafeInteger) ? out : undefined;
}

/** Integer values of an int tensor as numbers, clamping the int64 extremes (Slice's INT64_MAX ends) to ±2^53. */
export function clampedInts(f: Folded): number[] | undefined {
  if (!isFoldInt(f.dataType)) return undefined;
  const lim = 2n ** 53n;
  return Array.from(f.values as BigInt64Array, (x) => Number(x > lim ? lim : x < -lim ? -lim : x));
}

/** An axis in [-rank, rank) made non-negative, or undefined. */
export function normAxis(axis: number, rank: number): number | undefined {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  return axis < 0 ? axis + rank : axis;
}

/** The synchronous read of an input, or undefined when it fails (a weight left in the file). */
export function tryRead(input: FoldInput | undefined): Folded | undefined {
  if (input === undefined) return undefined;
  try {
    return input.read();
  } catch {
    return undefined;
  }
}
