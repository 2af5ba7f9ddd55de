import type { RegionOp, RegionSpec } from "./region-spec.js";

/** A float64 tensor of any rank (row-major). */
export interface Dense {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

type Op<K extends RegionOp["kind"]> = Extract<RegionOp, { kind: K }>;

/** Conv and AveragePool (count_include_pad) over [1, C, H, W], direct loops; `abs`: every weight and bias in absolute value. */
function window(x: Dense, op: Op<"conv"> | Op<"pool">, outShape: readonly number[], abs: boolean): Dense {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const [, o, oh, ow] = outShape as [number, number, number, number];
  const [kh, kw] = op.kind === "conv" ? op.shape.slice(2) : op.size;
  const [dh, dw] = op.kind === "conv" ? op.dilations : [1, 1];
  const groups = op.kind === "conv" ? op.groups : c;
  const per = c / groups;
  const [sh, sw] = op.strides;
  const [pt, pl] = op.pads;
  const out = new Float64Array(o * oh * ow);
  const f = (v: number) => (abs ? Math.abs(v) : v);
  for (let m = 0; m < o; m++) {
    const g = Math.floor(m / (o / groups));
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let acc = op.kind === "conv" ? f(op.bias?.[m] ?? 0) : 0;
        for (let ci = 0; ci < per; ci++)
          for (let ky = 0; ky < kh!; ky++)
            for (let kx = 0; kx < kw!; kx++) {
              const y = i * sh - pt + ky * dh;
              const z = j * sw - pl + kx * dw;
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              const weight =
                op.kind === "conv" ? f(op.weight[((m * per + ci) * kh! + ky) * kw! + kx]!) : 1 / (kh! * kw!);
              acc += weight * x.data[((g * per + ci) * h + y) * w + z]!;
            }
        out[(m * oh + i) * ow + j] = acc;
      }
  }
  return { data: out, shape: outShape };
}

/** Per-channel map over [1, C, H, W] or [N, C]: v -> f(v, channel). */
function perChannel(x: Dense, f: (v: number, c: number) => number): Dense {
  const c = x.shape[1]!;
  const inner = x.shape.length === 4 ? x.shape[2]! * x.shape[3]! : 1;
  return { data: x.data.map((v, i) => f(v, Math.floor(i / inner) % c)), shape: x.shape };
}

function pad(x: Dense, op: Op<"pad">, abs: boolean): Dense {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [t, l, b, r] = op.pads;
  const H = h + t + b;
  const W = w + l + r;
  const out = new Float64Array(n * c * H * W).fill(abs ? Math.abs(op.value) : op.value);
  for (let k = 0; k < c; k++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) out[(k * H + i + t) * W + j + l] = x.data[(k * h + i) * w + j]!;
  return { data: out, shape: [n, c, H, W] };
}

function linear(x: Dense, op: Op<"linear">, abs: boolean): Dense {
  const [n, c] = x.shape as [number, number];
  const o = op.shape[0];
  const f = (v: number) => (abs ? Math.abs(v) : v);
  const out = new Float64Array(n * o);
  for (let r = 0; r < n; r++)
    for (let m = 0; m < o; m++) {
      let acc = f(op.bias?.[m] ?? 0);
      for (let k = 0; k < c; k++) acc += f(op.weight[m * c + k]!) * x.data[r * c + k]!;
      out[r * o + m] = acc;
    }
  return { data: out, shape: [n, o] };
}

function affine(x: Dense, op: Op<"affine">, abs: boolean): Dense {
  const at = (c: number) => op.value[op.value.length === 1 ? 0 : c]!;
  if (abs) {
    if (op.op === "Mul") return perChannel(x, (v, c) => v * Math.abs(at(c)));
    if (op.op === "Div") return perChannel(x, (v, c) => v / Math.abs(at(c)));
    return perChannel(x, (v, c) => v + Math.abs(at(c)));
  }
  if (op.op === "Mul") return perChannel(x, (v, c) => v * at(c));
  if (op.op === "Div") return perChannel(x, (v, c) => v / at(c));
  if (op.op === "Add") return perChannel(x, (v, c) => v + at(c));
  return perChannel(x, (v, c) => (op.constFirst ? at(c) - v : v - at(c)));
}

function batchNorm(x: Dense, op: Op<"bn">, abs: boolean): Dense {
  return perChannel(x, (v, c) => {
    const t = op.gamma[c]! / Math.sqrt(op.variance[c]! + op.eps);
    if (abs) return v * Math.abs(t) + Math.abs(op.beta[c]!) + Math.abs(op.mean[c]! * t);
    return (v - op.mean[c]!) * t + op.beta[c]!;
  });
}

function combine(xs: readonly Dense[], sign: (k: number) => number): Dense {
  const data = new Float64Array(xs[0]!.data.length);
  xs.forEach((x, k) => x.data.forEach((v, i) => (data[i]! += sign(k) * v)));
  return { data, shape: xs[0]!.shape };
}

/**
 * Evaluates a region in float64 with direct loops, op by op. With `abs`, the
 * magnitude M of #17's bound instead: every weight, bias, constant and pad
 * value in absolute value, a BN as |t| x + |beta| + |mean t|, a difference
 * as a sum, a non-linearity as the identity (ReLU and LeakyReLU with
 * |alpha| <= 1 are 1-Lipschitz and shrink), over |x|.
 */
export function evaluateRegion(spec: RegionSpec, x: Dense, abs = false): Dense {
  const shapes = new Map<string, readonly number[]>();
  const values = new Map<string, Dense>([["x", abs ? { data: x.data.map(Math.abs), shape: x.shape } : x]]);
  const get = (t: string) => values.get(t)!;
  const outShape = (op: RegionOp) => shapes.get(op.out)!;
  // Output shapes of windows follow from the ops: recompute them here rather than trust the generator.
  for (const op of spec.ops) {
    let y: Dense;
    switch (op.kind) {
      case "conv":
      case "pool": {
        const [, c, h, w] = get(op.input).shape as [number, number, number, number];
        const [kh, kw] = op.kind === "conv" ? op.shape.slice(2) : op.size;
        const [dh, dw] = op.kind === "conv" ? op.dilations : [1, 1];
        const o = op.kind === "conv" ? op.shape[0] : c;
        const size = (n: number, k: number, d: number, s: number, p: number) =>
          Math.floor((n + p - d * (k - 1) - 1) / s) + 1;
        shapes.set(op.out, [
          1,
          o,
          size(h, kh!, dh, op.strides[0], op.pads[0] + op.pads[2]),
          size(w, kw!, dw, op.strides[1], op.pads[1] + op.pads[3]),
        ]);
        y = window(get(op.input), op, outShape(op), abs);
        break;
      }
      case "pad":
        y = pad(get(op.input), op, abs);
        break;
      case "bn":
        y = batchNorm(get(op.input), op, abs);
        break;
      case "affine":
        y = affine(get(op.input), op, abs);
        break;
      case "linear":
        y = linear(get(op.input), op, abs);
        break;
      case "sum":
        y = combine(op.inputs.map(get), () => 1);
        break;
      case "diff":
        y = combine(op.inputs.map(get), (k) => (k === 1 && !abs ? -1 : 1));
        break;
      case "act":
        y = abs ? get(op.input) : perChannel(get(op.input), (v) => (v >= 0 ? v : op.op === "Relu" ? 0 : op.alpha * v));
        break;
    }
    values.set(op.out, y);
  }
  return get(spec.output);
}
