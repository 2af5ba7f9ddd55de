import { TensorProto_DataType as DT } from "onnx-buf";
import { intAttribute, intsAttribute } from "../codec/_attributes.js";
import {
  type FoldInput,
  type FoldPlan,
  type FoldPlanner,
  type Folded,
  foldCount,
  gatherPlan,
  intList,
  normAxis,
  stridesOf,
  tryRead,
} from "./_fold-tensor.js";

// Ops that move values without changing any: the output is a reindexing of
// the first input (or, for Concat, of several), exact for every type.

/** The same values in new dims (Reshape, Squeeze, Unsqueeze: row-major order is kept). */
const sameValues = (x: FoldInput, dims: readonly number[]): FoldPlan | undefined =>
  foldCount(dims) === foldCount(x.dims) && foldCount(dims) !== undefined
    ? { dims, dataType: x.dataType, reads: [0], run: ([v]) => ({ ...v!, dims }) }
    : undefined;

/** The ints of an optional int input, [] when absent, undefined when unreadable. */
function optionalInts(input: FoldInput | undefined, given: boolean): number[] | undefined {
  if (!given) return [];
  const v = tryRead(input);
  return v === undefined ? undefined : intList(v);
}

/** Reshape: 0 copies the input's dim (unless `allowzero`), one -1 takes what is left. */
export const planReshape: FoldPlanner = (node, [x, shape]) => {
  const s = tryRead(shape);
  const want = s === undefined ? undefined : intList(s);
  if (x === undefined || want === undefined) return undefined;
  const allowZero = intAttribute(node, "allowzero", 0) === 1;
  const dims = want.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
  const free = dims.flatMap((d, i) => (d === -1 ? [i] : []));
  if (free.length > 1 || dims.some((d) => d === undefined || d < -1)) return undefined;
  const total = foldCount(x.dims);
  if (free.length === 1) {
    const known = (dims as number[]).reduce((a, d) => (d === -1 ? a : a * d), 1);
    if (total === undefined || known === 0 || total % known !== 0) return undefined;
    dims[free[0]!] = total / known;
  }
  return sameValues(x, dims as number[]);
};

/** Squeeze: `axes` (attribute before opset 13, input from 13), all dims of 1 when absent. */
export const planSqueeze: FoldPlanner = (node, [x, axesIn], opset) => {
  if (x === undefined) return undefined;
  const given = opset >= 13 ? (node.input[1] ?? "") !== "" : intsAttribute(node, "axes") !== undefined;
  const raw = opset >= 13 ? optionalInts(axesIn, given) : (intsAttribute(node, "axes") ?? []);
  const axes = raw?.map((a) => normAxis(a, x.dims.length));
  if (axes === undefined || axes.some((a) => a === undefined || x.dims[a] !== 1)) return undefined;
  const drop = new Set(given ? axes : x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  return sameValues(
    x,
    x.dims.filter((_, i) => !drop.has(i)),
  );
};

/** Unsqueeze: inserts dims of 1 at `axes` (of the output rank). */
export const planUnsqueeze: FoldPlanner = (node, [x, axesIn], opset) => {
  if (x === undefined) return undefined;
  const raw = opset >= 13 ? optionalInts(axesIn, true) : intsAttribute(node, "axes");
  const rank = x.dims.length + (raw?.length ?? 0);
  const axes = raw?.map((a) => normAxis(a, rank));
  if (
    axes === undefined ||
    axes.length === 0 ||
    axes.some((a) => a === undefined) ||
    new Set(axes).size !== axes.length
  )
    return undefined;
  const dims: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : x.dims[next++]!);
  return sameValues(x, dims);
};

/** Transpose: `perm`, reversed axes when absent. */
export const planTranspose: FoldPlanner = (node, [x]) => {
  if (x === undefined) return undefined;
  const rank = x.dims.length;
  const perm = intsAttribute(node, "perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) return undefined;
  const dims = perm.map((p) => x.dims[p]!);
  if (foldCount(dims) === undefined) return undefined;
  const s = stridesOf(x.dims);
  return gatherPlan(x, dims, (idx) => perm.reduce((f, p, a) => f + idx[a]! * s[p]!, 0));
};

/** Concat along `axis` of inputs of one type and rank, equal elsewhere. */
export const planConcat: FoldPlanner = (node, ins) => {
  const first = ins[0];
  if (first === undefined || ins.some((i) => i === undefined)) return undefined;
  const all = ins as readonly FoldInput[];
  const rank = first.dims.length;
  const axis = normAxis(intAttribute(node, "axis", Number.NaN), rank);
  if (axis === undefined) return undefined;
  const same = (i: FoldInput) =>
    i.dataType === first.dataType &&
    i.dims.length === rank &&
    i.dims.every((d, a) => a === axis || d === first.dims[a]);
  if (!all.every(same)) return undefined;
  const dims = first.dims.map((d, a) => (a === axis ? all.reduce((n, i) => n + i.dims[axis]!, 0) : d));
  if (foldCount(dims) === undefined) return undefined;
  return {
    dims,
    dataType: first.dataType,
    reads: all.map((_, i) => i),
    run: (vs) => {
      const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      const values =
        first.dataType === DT.INT64 || first.dataType === DT.INT32
          ? new BigInt64Array(foldCount(dims)!)
          : new Float64Array(foldCount(dims)!);
      let at = 0;
      for (let o = 0; o < outer; o++)
        for (const v of vs as readonly Folded[]) {
          const len = v.dims[axis]! * inner;
          (values as Float64Array).set((v.values as Float64Array).subarray(o * len, (o + 1) * len), at);
          at += len;
        }
      return { dims, dataType: first.dataType, values };
    },
  };
};

/** Gather along `axis` with constant int indices (negative counts from the end). */
export const planGather: FoldPlanner = (node, [x, indicesIn]) => {
  const ind = tryRead(indicesIn);
  const raw = ind === undefined ? undefined : intList(ind);
  if (x === undefined || raw === undefined || ind === undefined) return undefined;
  const axis = normAxis(intAttribute(node, "axis", 0), x.dims.length);
  if (axis === undefined) return undefined;
  const n = x.dims[axis]!;
  const indices = raw.map((i) => (i < 0 ? i + n : i));
  if (indices.some((i) => i < 0 || i >= n)) return undefined;
  const dims = [...x.dims.slice(0, axis), ...ind.dims, ...x.dims.slice(axis + 1)];
  if (foldCount(dims) === undefined) return undefined;
  const s = stridesOf(x.dims);
  const q = ind.dims.length;
  const is = stridesOf(ind.dims);
  return gatherPlan(x, dims, (idx) => {
    let f = 0;
    for (let a = 0; a < axis; a++) f += idx[a]! * s[a]!;
    let k = 0;
    for (let a = 0; a < q; a++) k += idx[axis + a]! * is[a]!;
    f += indices[k]! * s[axis]!;
    for (let a = axis + 1; a < x.dims.length; a++) f += idx[a + q - 1]! * s[a]!;
    return f;
  });
};

/** Shape (with opset 15's `start` / `end`) of a value whose dims are all known. */
export const planShape: FoldPlanner = (node, [x]) => {
  if (x === undefined) return undefined;
  const rank = x.dims.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(intAttribute(node, "start", 0));
  const end = clamp(intAttribute(node, "end", rank));
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  const dims = x.dims.slice(start, Math.max(start, end));
  return {
    dims: [dims.length],
    dataType: DT.INT64,
    reads: [],
    run: () => ({ dims: [dims.length], dataType: DT.INT64, values: BigInt64Array.from(dims, BigInt) }),
  };
};
