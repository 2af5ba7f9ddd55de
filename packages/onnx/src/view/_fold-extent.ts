import { TensorProto_DataType as DT } from "onnx-buf";
import { floatAttribute, intsAttribute, stringAttribute, tensorAttribute } from "../codec/_attributes.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import { tensorValues } from "../codec/tensor-values.js";
import {
  type FoldPlanner,
  broadcastDims,
  broadcastMap,
  clampedInts,
  foldCount,
  foldedOf,
  gatherPlan,
  intList,
  isFoldFloat,
  normAxis,
  remap,
  stridesOf,
  tryRead,
  valuesOf,
} from "./_fold-tensor.js";

// Ops whose output extent comes from a small int input: Slice, Pad, Expand,
// ConstantOfShape. That input is read while planning; the values moved are
// exact for every type.

const intsOf = (input: Parameters<FoldPlanner>[1][number]) => {
  const v = tryRead(input);
  return v === undefined ? undefined : intList(v);
};

/**
 * Slice (opset 1-9 attributes, 10+ inputs starts, ends, axes, steps): per
 * axis, negative starts/ends count from the end, then clamp as ONNX says
 * ([0, d] for a positive step, [-1, d - 1] for a negative one); ends such as
 * INT64_MAX / INT64_MIN clamp too.
 */
export const planSlice: FoldPlanner = (node, ins, opset) => {
  const x = ins[0];
  if (x === undefined) return undefined;
  const rank = x.dims.length;
  const read = (i: number) => {
    if ((node.input[i] ?? "") === "") return null;
    const v = tryRead(ins[i]);
    return v === undefined ? undefined : clampedInts(v);
  };
  const starts = opset < 10 ? intsAttribute(node, "starts") : read(1);
  const ends = opset < 10 ? intsAttribute(node, "ends") : read(2);
  const axesRaw = opset < 10 ? (intsAttribute(node, "axes") ?? null) : read(3);
  const steps = opset < 10 ? null : read(4);
  if (starts == null || ends == null || axesRaw === undefined || steps === undefined) return undefined;
  const axes = (axesRaw ?? starts.map((_, i) => i)).map((a) => normAxis(a, rank));
  const n = starts.length;
  if (ends.length !== n || axes.length !== n || (steps !== null && steps.length !== n)) return undefined;
  if (axes.some((a) => a === undefined) || new Set(axes).size !== n) return undefined;
  const begin = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const dims = [...x.dims];
  for (let i = 0; i < n; i++) {
    const a = axes[i]!;
    const d = x.dims[a]!;
    const k = steps?.[i] ?? 1;
    if (!Number.isFinite(k) || k === 0) return undefined;
    const at = (v: number) => (v < 0 ? v + d : v);
    const [lo, hi] = k > 0 ? [0, d] : [-1, d - 1];
    const s = Math.min(Math.max(at(starts[i]!), lo), hi);
    const e = Math.min(Math.max(at(ends[i]!), lo), hi);
    begin[a] = s;
    step[a] = k;
    dims[a] = Math.max(0, Math.ceil((e - s) / k));
  }
  if (foldCount(dims) === undefined) return undefined;
  const st = stridesOf(x.dims);
  return gatherPlan(x, dims, (idx) => idx.reduce((f, j, a) => f + (begin[a]! + j * step[a]!) * st[a]!, 0));
};

/** Pad in `constant` mode (pads may be negative: a crop); opset 2-10 attributes, 11+ inputs, 18+ `axes`. */
export const planPad: FoldPlanner = (node, ins, opset) => {
  const x = ins[0];
  if (x === undefined || stringAttribute(node, "mode", "constant") !== "constant") return undefined;
  const rank = x.dims.length;
  let pads: number[] | undefined;
  let fill = 0;
  if (opset < 11) {
    pads = intsAttribute(node, opset < 2 ? "paddings" : "pads");
    fill = floatAttribute(node, "value", 0);
  } else {
    const raw = intsOf(ins[1]);
    const axesGiven = (node.input[3] ?? "") !== "";
    const axes = axesGiven ? intsOf(ins[3])?.map((a) => normAxis(a, rank)) : x.dims.map((_, i) => i);
    if (raw === undefined || axes === undefined || axes.some((a) => a === undefined) || raw.length !== 2 * axes.length)
      return undefined;
    pads = new Array<number>(2 * rank).fill(0);
    for (const [i, a] of axes.entries()) {
      pads[a!] = raw[i]!;
      pads[a! + rank] = raw[i + axes.length]!;
    }
    if ((node.input[2] ?? "") !== "") {
      const f = tryRead(ins[2]);
      if (f === undefined || f.values.length !== 1 || f.dataType !== x.dataType) return undefined;
      fill = Number(f.values[0]);
    }
  }
  if (pads === undefined || pads.length !== 2 * rank || pads.some((p) => !Number.isSafeInteger(p))) return undefined;
  if (!isFoldFloat(x.dataType) && !Number.isSafeInteger(fill)) return undefined;
  const p = pads;
  const dims = x.dims.map((d, a) => d + p[a]! + p[a + rank]!);
  if (dims.some((d) => d < 0) || foldCount(dims) === undefined) return undefined;
  const st = stridesOf(x.dims);
  return gatherPlan(
    x,
    dims,
    (idx) => {
      let f = 0;
      for (let a = 0; a < rank; a++) {
        const j = idx[a]! - p[a]!;
        if (j < 0 || j >= x.dims[a]!) return -1;
        f += j * st[a]!;
      }
      return f;
    },
    fill,
  );
};

/** Expand: broadcasts the input with a constant shape (either may have the larger dims). */
export const planExpand: FoldPlanner = (_node, [x, shapeIn]) => {
  const shape = intsOf(shapeIn);
  if (x === undefined || shape === undefined || shape.some((d) => d < 0)) return undefined;
  const dims = broadcastDims(x.dims, shape);
  if (dims === undefined || foldCount(dims) === undefined) return undefined;
  return { dims, dataType: x.dataType, reads: [0], run: ([v]) => remap(v!, dims, broadcastMap(x.dims, dims)) };
};

/** ConstantOfShape: the `value` attribute's one element (float32 0 when absent) in the dims the input lists. */
export const planConstantOfShape: FoldPlanner = (node, [shapeIn]) => {
  const dims = intsOf(shapeIn);
  const t = tensorAttribute(node, "value")?.t;
  if (dims === undefined || dims.some((d) => d < 0) || foldCount(dims) === undefined) return undefined;
  let one: ReturnType<typeof foldedOf>;
  if (t === undefined) one = { dims: [1], dataType: DT.FLOAT, values: Float64Array.of(0) };
  else {
    if (dtypeOf(t.dataType) === undefined) return undefined;
    try {
      one = foldedOf(tensorValues(t), [1], t.dataType);
    } catch {
      return undefined;
    }
  }
  if (one.values.length !== 1) return undefined;
  const dataType = one.dataType;
  return {
    dims,
    dataType,
    reads: [],
    run: () => {
      const values = valuesOf(dataType, foldCount(dims)!);
      (values as Float64Array).fill(one.values[0] as number);
      return { dims, dataType, values };
    },
  };
};
