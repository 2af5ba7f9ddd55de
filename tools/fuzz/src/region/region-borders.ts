import type { Pads4, RegionOp } from "./region-spec.js";

/**
 * Where a tensor's positions read the segment input S along one axis:
 * position i depends on S's positions [a i + lo, a i + hi] (outside S's
 * `[0, segment size)` meaning S's zero padding), for i in [0, size).
 */
export interface AxisMap {
  readonly a: number;
  readonly lo: number;
  readonly hi: number;
  readonly size: number;
}

/**
 * What the border proof knows of a tensor, relative to the segment input S:
 * its axis maps (absent for [N, C]) and its response, per channel, to an
 * all-zero S (what it holds where its window lies wholly in S's padding).
 */
export interface BorderState {
  readonly axes?: readonly [AxisMap, AxisMap];
  readonly response: Float64Array;
}

/** The state of the segment input itself: window [i, i], response 0. */
export function startState(shape: readonly number[]): BorderState {
  const c = shape[1]!; // [1, C, H, W] or [N, C]
  if (shape.length !== 4) return { response: new Float64Array(c) };
  const axis = (size: number): AxisMap => ({ a: 1, lo: 0, hi: 0, size });
  return { axes: [axis(shape[2]!), axis(shape[3]!)], response: new Float64Array(c) };
}

/**
 * True when padding a tensor by `pads` with `value` is border-exact in the
 * segment: every frame position reads only S's padding (so the collapsed
 * conv, padding S with zeros, computes the tensor's response there) and the
 * frame holds exactly that response. `segment`: S's [H, W].
 */
export function frameExact(s: BorderState, pads: Pads4, value: number, segment: readonly [number, number]): boolean {
  if (pads.every((p) => p === 0)) return true;
  if (s.axes === undefined) return false;
  if (!s.response.every((r) => r === value)) return false;
  for (const k of [0, 1] as const) {
    const { a, lo, hi, size } = s.axes[k];
    if (pads[k]! > 0 && hi >= a) return false; // position -1 reads S at -a + hi >= 0
    if (pads[k + 2]! > 0 && a * size + lo < segment[k]) return false; // position `size` reads S at a size + lo < S's size
  }
  return true;
}

function window(m: AxisMap, k: number, d: number, s: number, pt: number, pb: number): AxisMap {
  const e = d * (k - 1) + 1;
  return {
    a: m.a * s,
    lo: m.lo - m.a * pt,
    hi: m.hi + m.a * (e - 1 - pt),
    size: Math.floor((m.size + pt + pb - e) / s) + 1,
  };
}

function bnResponse(op: Extract<RegionOp, { kind: "bn" }>, r: Float64Array): Float64Array {
  return r.map((v, c) => ((v - op.mean[c]!) / Math.sqrt(op.variance[c]! + op.eps)) * op.gamma[c]! + op.beta[c]!);
}

function affineResponse(op: Extract<RegionOp, { kind: "affine" }>, r: Float64Array): Float64Array {
  return r.map((v, i) => {
    const c = op.value[op.value.length === 1 ? 0 : i]!;
    if (op.op === "Mul") return v * c;
    if (op.op === "Add") return v + c;
    if (op.op === "Div") return v / c;
    return op.constFirst ? c - v : v - c;
  });
}

function convResponse(op: Extract<RegionOp, { kind: "conv" }>, r: Float64Array): Float64Array {
  const [o, i, kh, kw] = op.shape;
  const out = new Float64Array(o);
  for (let m = 0; m < o; m++) {
    const g = Math.floor(m / (o / op.groups));
    let acc = op.bias?.[m] ?? 0;
    for (let c = 0; c < i; c++)
      for (let t = 0; t < kh * kw; t++) acc += op.weight[(m * i + c) * kh * kw + t]! * r[g * i + c]!;
    out[m] = acc;
  }
  return out;
}

function linearResponse(op: Extract<RegionOp, { kind: "linear" }>, r: Float64Array): Float64Array {
  const [o, i] = op.shape;
  const out = new Float64Array(o);
  for (let m = 0; m < o; m++) {
    let acc = op.bias?.[m] ?? 0;
    for (let c = 0; c < i; c++) acc += op.weight[m * i + c]! * r[c]!;
    out[m] = acc;
  }
  return out;
}

function union(states: readonly BorderState[], response: Float64Array): BorderState | undefined {
  const first = states[0]!.axes;
  if (first === undefined) return { response };
  const axes = [0, 1].map((k) => {
    const ms = states.map((s) => s.axes![k]!);
    if (ms.some((m) => m.a !== ms[0]!.a || m.size !== ms[0]!.size)) return undefined;
    return {
      a: ms[0]!.a,
      lo: Math.min(...ms.map((m) => m.lo)),
      hi: Math.max(...ms.map((m) => m.hi)),
      size: ms[0]!.size,
    };
  });
  if (axes[0] === undefined || axes[1] === undefined) return undefined;
  return { axes: [axes[0], axes[1]], response };
}

/**
 * The state of `op`'s output, or undefined when `op` breaks the segment's
 * single linear map: a padding that is not border-exact (a conv's or pool's
 * zero pads, a Pad node's frame), a sum of tensors read at different
 * strides, or a non-linearity. With `prove` false, paddings are not
 * checked (the windows alone).
 */
export function stateAfter(
  op: RegionOp,
  get: (t: string) => BorderState,
  segment: readonly [number, number],
  prove = true,
): BorderState | undefined {
  const exact = (s: BorderState, pads: Pads4, value: number) => !prove || frameExact(s, pads, value, segment);
  switch (op.kind) {
    case "conv":
    case "pool": {
      const s = get(op.input);
      if (!exact(s, op.pads, 0)) return undefined;
      const [kh, kw] = op.kind === "conv" ? op.shape.slice(2) : op.size;
      const [dh, dw] = op.kind === "conv" ? op.dilations : [1, 1];
      const [t, l, b, r] = op.pads;
      const axes = s.axes!;
      return {
        axes: [window(axes[0], kh!, dh, op.strides[0], t, b), window(axes[1], kw!, dw, op.strides[1], l, r)],
        response: op.kind === "conv" ? convResponse(op, s.response) : s.response,
      };
    }
    case "pad": {
      const s = get(op.input);
      if (!exact(s, op.pads, op.value)) return undefined;
      const [t, l, b, r] = op.pads;
      const shift = (m: AxisMap, p: number, q: number): AxisMap => ({
        a: m.a,
        lo: m.lo - m.a * p,
        hi: m.hi - m.a * p,
        size: m.size + p + q,
      });
      return { axes: [shift(s.axes![0], t, b), shift(s.axes![1], l, r)], response: s.response };
    }
    case "bn":
      return { ...get(op.input), response: bnResponse(op, get(op.input).response) };
    case "affine":
      return { ...get(op.input), response: affineResponse(op, get(op.input).response) };
    case "linear":
      return { response: linearResponse(op, get(op.input).response) };
    case "sum":
    case "diff": {
      const states = op.inputs.map(get);
      const sign = (k: number) => (op.kind === "diff" && k === 1 ? -1 : 1);
      const response = states[0]!.response.map((_, c) => states.reduce((a, s, k) => a + sign(k) * s.response[c]!, 0));
      return union(states, response);
    }
    case "act":
      return prove ? undefined : get(op.input);
  }
}
