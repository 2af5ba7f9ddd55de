import { type ModelProto, tensorValues } from "@reparam/onnx";

type OnnxNode = NonNullable<ModelProto["graph"]>["node"][number];
type TensorProto = Parameters<typeof tensorValues>[0];

/** A small integer tensor of an exported graph's shape arithmetic (pads, chunk bounds). */
export interface IntTensor {
  readonly dims: readonly number[];
  readonly v: readonly number[];
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const strides = (dims: readonly number[]) => dims.map((_, i) => count(dims.slice(i + 1)));

/** An int32 / int64 tensor's values (undefined for floats). */
export function intTensor(t: TensorProto): IntTensor | undefined {
  const v = tensorValues(t);
  if (v.dtype !== "int32" && v.dtype !== "int64") return undefined;
  return { dims: t.dims.map(Number), v: Array.from(v.values, Number) };
}

/** Element-wise on two broadcast operands (a scalar or the same shape). */
function zip(a: IntTensor, b: IntTensor, f: (x: number, y: number) => number): IntTensor {
  const big = a.v.length >= b.v.length ? a : b;
  return { dims: big.dims, v: big.v.map((_, i) => f(a.v[a.v.length === 1 ? 0 : i]!, b.v[b.v.length === 1 ? 0 : i]!)) };
}

function slice(x: IntTensor, starts: number[], ends: number[], axes: number[], steps: number[]): IntTensor {
  const ranges = x.dims.map((d) => ({ start: 0, step: 1, n: d }));
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + x.dims.length : a0;
    const d = x.dims[a]!;
    const step = steps[i] ?? 1;
    const clamp = (p: number, lo: number, hi: number) => Math.min(Math.max(p < 0 ? p + d : p, lo), hi);
    const s = step > 0 ? clamp(starts[i]!, 0, d) : clamp(starts[i]!, -1, d - 1);
    const e = step > 0 ? clamp(ends[i]!, 0, d) : clamp(ends[i]!, -1, d - 1);
    ranges[a] = { start: s, step, n: Math.max(0, Math.ceil((e - s) / step)) };
  });
  const dims = ranges.map((r) => r.n);
  const st = strides(x.dims);
  const out = strides(dims);
  const v = Array.from(
    { length: count(dims) },
    (_, j) => x.v[ranges.reduce((o, r, k) => o + (r.start + (Math.floor(j / out[k]!) % r.n) * r.step) * st[k]!, 0)]!,
  );
  return { dims, v };
}

function transpose(x: IntTensor, perm: readonly number[]): IntTensor {
  const dims = perm.map((p) => x.dims[p]!);
  const st = strides(x.dims);
  const out = strides(dims);
  const v = Array.from(
    { length: x.v.length },
    (_, j) => x.v[perm.reduce((o, p, k) => o + (Math.floor(j / out[k]!) % dims[k]!) * st[p]!, 0)]!,
  );
  return { dims, v };
}

/**
 * A node of a graph's integer shape arithmetic evaluated (PyTorch's F.pad
 * and chunk exports: Shape, Gather, Add / Sub / Mul / Div, Concat,
 * ConstantOfShape, Reshape, Slice, Transpose, Cast, Unsqueeze, Squeeze);
 * undefined when an input is not a known integer tensor (`Shape` reads
 * `shapeOf`).
 */
export function evalInt(
  n: OnnxNode,
  get: (t: string) => IntTensor | undefined,
  shapeOf: (t: string) => readonly number[] | undefined,
): IntTensor | undefined {
  if (n.opType === "Shape") {
    const s = shapeOf(n.input[0]!);
    return s && { dims: [s.length], v: [...s] };
  }
  const ins = n.input.filter((i) => i !== "").map(get);
  if (ins.some((i) => i === undefined)) return undefined;
  const [a, b] = ins as [IntTensor, IntTensor];
  const attr = (name: string) => n.attribute.find((x) => x.name === name);
  const axis = Number(attr("axis")?.i ?? 0n);
  switch (n.opType) {
    case "Gather": {
      const idx = b.v.map((i) => (i < 0 ? i + a.dims[0]! : i));
      return { dims: b.dims, v: idx.map((i) => a.v[i]!) };
    }
    case "Add":
      return zip(a, b, (x, y) => x + y);
    case "Sub":
      return zip(a, b, (x, y) => x - y);
    case "Mul":
      return zip(a, b, (x, y) => x * y);
    case "Div":
      return zip(a, b, (x, y) => Math.trunc(x / y));
    case "Cast":
      return a;
    case "Concat":
      if (axis !== 0 || ins.some((i) => i!.dims.length > 1)) return undefined;
      return { dims: [ins.reduce((s, i) => s + i!.v.length, 0)], v: ins.flatMap((i) => [...i!.v]) };
    case "ConstantOfShape": {
      const fill = attr("value")?.t;
      const value = fill === undefined ? 0 : (intTensor(fill)?.v[0] ?? 0);
      return { dims: a.v, v: Array.from({ length: count(a.v) }, () => value) };
    }
    case "Reshape": {
      const known = b.v.map((d, i) => (d === 0 ? a.dims[i]! : d));
      const rest = a.v.length / count(known.filter((d) => d !== -1));
      return { dims: known.map((d) => (d === -1 ? rest : d)), v: a.v };
    }
    case "Unsqueeze":
      return { dims: [...a.dims, ...b.v.map(() => 1)], v: a.v };
    case "Squeeze":
      return { dims: a.dims.filter((d) => d !== 1), v: a.v };
    case "Slice": {
      const [, s, e, ax, st] = ins as IntTensor[];
      return slice(a, [...s!.v], [...e!.v], ax ? [...ax.v] : s!.v.map((_, i) => i), st ? [...st.v] : []);
    }
    case "Transpose":
      return transpose(a, attr("perm")?.ints.map(Number) ?? [...a.dims.keys()].reverse());
    default:
      return undefined;
  }
}

/** A float32 constant of the graph (weights, folded products). */
export interface FloatConst {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * A node on float constants folded in float32, as the TF.js converter folds
 * constant subgraphs: Add / Sub / Mul / Div (NumPy broadcasting), Reshape
 * (by a known integer shape), Unsqueeze, Identity. Undefined for anything else.
 */
export function foldFloat(
  n: OnnxNode,
  get: (t: string) => FloatConst | undefined,
  ints: (t: string) => IntTensor | undefined,
): FloatConst | undefined {
  const a = get(n.input[0]!);
  if (a === undefined) return undefined;
  if (n.opType === "Identity") return a;
  if (n.opType === "Unsqueeze") {
    const axes = ints(n.input[1] ?? "");
    if (axes === undefined) return undefined;
    const r = a.shape.length + axes.v.length;
    const at = new Set(axes.v.map((x) => (x < 0 ? x + r : x)));
    const rest = [...a.shape];
    return { shape: Array.from({ length: r }, (_, i) => (at.has(i) ? 1 : rest.shift()!)), data: a.data };
  }
  if (n.opType === "Reshape") {
    const s = ints(n.input[1]!);
    if (s === undefined) return undefined;
    const fixed = s.v.map((d, i) => (d === 0 ? a.shape[i]! : d));
    const rest = a.data.length / count(fixed.filter((d) => d !== -1));
    return { shape: fixed.map((d) => (d === -1 ? rest : d)), data: a.data };
  }
  const f = {
    Add: (x: number, y: number) => x + y,
    Sub: (x: number, y: number) => x - y,
    Mul: (x: number, y: number) => x * y,
    Div: (x: number, y: number) => x / y,
  }[n.opType];
  const b = get(n.input[1] ?? "");
  if (f === undefined || b === undefined) return undefined;
  const r = Math.max(a.shape.length, b.shape.length);
  const pad = (s: readonly number[]) => [...Array<number>(r - s.length).fill(1), ...s];
  const [sa, sb] = [pad(a.shape), pad(b.shape)];
  const shape = sa.map((d, i) => Math.max(d, sb[i]!));
  const [ta, tb, to] = [strides(sa), strides(sb), strides(shape)];
  const at = (s: number[], st: number[], j: number) =>
    shape.reduce((o, _, k) => o + (s[k] === 1 ? 0 : Math.floor(j / to[k]!) % shape[k]!) * st[k]!, 0);
  const data = new Float32Array(count(shape));
  for (let j = 0; j < data.length; j++) data[j] = f(a.data[at(sa, ta, j)]!, b.data[at(sb, tb, j)]!);
  return { shape, data };
}
