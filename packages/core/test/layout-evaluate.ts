// Runs the nodes of a pre-BN region (BatchNorm over axis 1, the layout ops, Linear on
// tokens and its bias, 1x1 convs) on tensors of any rank with naive float64 reference
// ops: what the model computes. `fused` replaces the nodes of fused blocks by their
// fused convs (and skips their bypassed BatchNorms): what the converted model computes.
import type { FusedConv, GraphBlockMatch, GraphNodeView, NeutralOp } from "../src/index.js";

type LayoutOp = Extract<NeutralOp, { kind: "layout" }>["layout"];

/** A row-major tensor. */
export interface TensorN {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);
const strides = (s: readonly number[]) => s.map((_, i) => size(s.slice(i + 1)));

function transpose(x: TensorN, perm: readonly number[]): TensorN {
  const shape = perm.map((p) => x.shape[p]!);
  const st = strides(x.shape);
  const data = new Float64Array(x.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < data.length; f++) {
    let rest = f;
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = rest % shape[a]!;
      rest = Math.floor(rest / shape[a]!);
    }
    data[f] = x.data[perm.reduce((o, p, a) => o + idx[a]! * st[p]!, 0)]!;
  }
  return { data, shape };
}

/** Zero padding of every axis, pads [begins..., ends...]. */
function pad(x: TensorN, pads: readonly number[]): TensorN {
  const n = x.shape.length;
  const shape = x.shape.map((d, a) => d + pads[a]! + pads[a + n]!);
  const data = new Float64Array(size(shape));
  const st = strides(shape);
  for (let f = 0; f < x.data.length; f++) {
    let rest = f;
    let o = 0;
    for (let a = n - 1; a >= 0; a--) {
      o += ((rest % x.shape[a]!) + pads[a]!) * st[a]!;
      rest = Math.floor(rest / x.shape[a]!);
    }
    data[o] = x.data[f]!;
  }
  return { data, shape };
}

/** A 1-D average pool over the last axis of [N, C, L] (stride = kernel as Next-ViT's sr; pads [begin, end]). */
function avgPool1d(x: TensorN, op: Extract<LayoutOp, { op: "avgpool" }>): TensorN {
  const [n, c, l] = x.shape as [number, number, number];
  const k = op.kernel[0]!;
  const [pb, pe] = op.pads as [number, number];
  const out = Math.floor((l + pb + pe - k) / k) + 1;
  const data = new Float64Array(n * c * out);
  for (let r = 0; r < n * c; r++)
    for (let j = 0; j < out; j++) {
      let sum = 0;
      let real = 0;
      for (let i = j * k - pb; i < j * k - pb + k; i++)
        if (i >= 0 && i < l) {
          sum += x.data[r * l + i]!;
          real++;
        }
      data[r * out + j] = sum / (op.countIncludePad ? k : real);
    }
  return { data, shape: [n, c, out] };
}

/** x [..., I] times W^T for W [O, I] (a fused or Linear kernel, OIHW with 1x1), plus b. */
function linear(x: TensorN, w: ArrayLike<number>, o: number, b?: ArrayLike<number>): TensorN {
  const i = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / i;
  const data = new Float64Array(rows * o);
  for (let r = 0; r < rows; r++)
    for (let q = 0; q < o; q++) {
      let s = b?.[q] ?? 0;
      for (let c = 0; c < i; c++) s += x.data[r * i + c]! * w[q * i + c]!;
      data[r * o + q] = s;
    }
  return { data, shape: [...x.shape.slice(0, -1), o] };
}

/** Per channel of axis 1: x * t[c] + s[c]. */
function channelAffine(x: TensorN, t: ArrayLike<number>, s: ArrayLike<number>): TensorN {
  const inner = size(x.shape.slice(2));
  const c = x.shape[1]!;
  return {
    data: x.data.map((v, f) => v * t[Math.floor(f / inner) % c]! + s[Math.floor(f / inner) % c]!),
    shape: x.shape,
  };
}

async function evaluateNode(n: GraphNodeView, x: TensorN): Promise<TensorN> {
  const op = n.op;
  if (op.kind === "batchnorm") {
    const [g, b, m, v] = await Promise.all([op.gamma, op.beta, op.mean, op.variance].map((r) => r.values()));
    const t = Float64Array.from(g!, (gc, c) => gc / Math.sqrt(v![c]! + op.eps));
    return channelAffine(
      x,
      t,
      Float64Array.from(t, (tc, c) => b![c]! - m![c]! * tc),
    );
  }
  if (op.kind !== "layout") throw new Error(`evaluateRegion: '${n.id}' is "${op.kind}"`);
  const l = op.layout;
  switch (l.op) {
    case "reshape":
      // An unknown dim (the batch) is the input's at that place.
      return { data: x.data, shape: l.to!.map((d, i) => d ?? x.shape[i]!) };
    case "transpose":
      return transpose(x, l.perm);
    case "pad":
      return pad(x, l.pads);
    case "avgpool":
      return avgPool1d(x, l);
    case "matmul":
      return linear(x, await l.kernel.values(), l.kernel.shape[0]!);
    case "bias": {
      const b = await l.shift.values();
      return { data: x.data.map((v, f) => v + b[f % b.length]!), shape: x.shape };
    }
  }
}

/**
 * The value of tensor `want` for input `x` of tensor `input`, evaluating
 * nodes in the order given (topological). With `fused`, the blocks' nodes
 * give way to their fused convs (as Linear over the last axis) and their
 * bypassed BatchNorms pass their input on.
 */
export async function evaluateRegion(
  nodes: readonly GraphNodeView[],
  input: string,
  x: TensorN,
  want: string,
  fused: readonly { readonly match: GraphBlockMatch; readonly conv: FusedConv }[] = [],
): Promise<TensorN> {
  const env = new Map<string, TensorN>([[input, x]]);
  const skip = new Set(fused.flatMap(({ match }) => match.bypass ?? []).map((n) => n.id));
  const inBlock = new Set(fused.flatMap(({ match }) => match.nodes.map((n) => n.id)));
  for (const n of nodes) {
    const from = env.get(n.inputs[0]!);
    if (from === undefined || env.has(n.outputs[0]!)) continue;
    if (skip.has(n.id)) env.set(n.outputs[0]!, from);
    else if (!inBlock.has(n.id)) env.set(n.outputs[0]!, await evaluateNode(n, from));
    for (const { match, conv } of fused)
      if (n.inputs[0] === match.input && match.nodes[0]!.id === n.id)
        env.set(match.output, linear(from, conv.kernel.data, conv.kernel.shape[0], conv.bias));
  }
  const out = env.get(want);
  if (out === undefined) throw new Error(`evaluateRegion: '${want}' not computed`);
  return out;
}
