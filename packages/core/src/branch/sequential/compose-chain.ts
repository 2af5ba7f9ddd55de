import type { ConvGeometry, Pads, Pair } from "../../block/block.js";
import type { Kernel, Kernel64 } from "../../block/kernel.js";
import { refusal, type Refusal } from "../../block/refusal.js";
import { type AxisStage, axisBorderFault, axisSpans, fusedEndPad } from "./chain-border.js";

/**
 * One conv of a sequential chain, with every BatchNorm / constant affine
 * around it folded in, and the frame in front of it.
 */
export interface ChainStage {
  /** OIHW, [out, in / groups, kh, kw]. */
  readonly kernel: Kernel;
  /** One per output channel (zeros for a conv without one). */
  readonly bias: ArrayLike<number>;
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly groups: number;
  /** Pads in front of this conv, [top, left, bottom, right] (its own and any Pad node's). */
  readonly pads: Pads;
  /**
   * What those pads hold, per input channel of this conv; absent: zeros. The
   * first stage's pads are x's padding and must be zeros (the fused conv pads with zeros).
   */
  readonly fill?: ArrayLike<number>;
  /** The conv's name in the model, for refusals (default: "conv i of the chain"). */
  readonly name?: string;
}

/**
 * The chain as one conv: float64 kernel and bias, and its geometry; its
 * dilation is the common step of every tap (see {@link chainDilation}).
 */
export interface ComposedChain extends ConvGeometry {
  readonly kernel: Kernel64;
  readonly bias: Float64Array;
}

/** Fused kernels wider than this per axis are refused (a hostile stride or dilation cannot blow it up). */
export const MAX_CHAIN_EXTENT = 127;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The fused conv's dilation on one axis: the gcd, over the stages wider than
 * one tap on it, of (product of the strides before the stage) x (its
 * dilation), the distance between its taps in x; 1 when no stage is wider.
 * Every tap of the fused kernel lies on that lattice (it is a sum of such
 * steps), so the kernel spread into zeros between its taps, sampled every D
 * taps, is the same conv at dilation D: a 1x3 at dilation 2 then a 1x1 stays
 * a 1x3 at dilation 2, a stride-2 1x1 then a 3x3 is a 3x3 at dilation 2.
 */
export function chainDilation(stages: readonly ChainStage[]): Pair {
  const axis = (a: 0 | 1): number => {
    let before = 1;
    let d = 0;
    for (const st of stages) {
      if (st.kernel.shape[2 + a]! > 1) d = gcd(d, before * st.dilation[a]);
      before *= st.stride[a];
    }
    return d === 0 ? 1 : d;
  };
  return [axis(0), axis(1)];
}

/** A stage alone as a kernel on the lattice `lat`: its taps (its dilation / lat) apart, zeros between. */
function spread(st: Pick<ChainStage, "kernel" | "dilation">, lat: Pair): Kernel64 {
  const [o, i, kh, kw] = st.kernel.shape;
  const dh = kh > 1 ? st.dilation[0] / lat[0] : 1;
  const dw = kw > 1 ? st.dilation[1] / lat[1] : 1;
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  const data = new Float64Array(o * i * eh * ew);
  for (let oi = 0; oi < o * i; oi++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++) data[(oi * eh + y * dh) * ew + x * dw] = st.kernel.data[(oi * kh + y) * kw + x]!;
  return { data, shape: [o, i, eh, ew] };
}

/**
 * The same conv at dilation 1: its kernel spread into zeros between the
 * taps, stride, pads and groups kept (a kxk at dilation d is exactly a
 * ((k - 1) d + 1) kernel with zeros between its taps). For a consumer that
 * must not hold a conv strided and dilated at once (TF has none). Undefined
 * when that kernel would be wider than {@link MAX_CHAIN_EXTENT} on an axis.
 */
export function denseChain(c: ComposedChain): ComposedChain | undefined {
  if (c.dilation[0] === 1 && c.dilation[1] === 1) return c;
  const [, , kh, kw] = c.kernel.shape;
  if ((kh - 1) * c.dilation[0] + 1 > MAX_CHAIN_EXTENT || (kw - 1) * c.dilation[1] + 1 > MAX_CHAIN_EXTENT)
    return undefined;
  return { ...c, kernel: spread(c, [1, 1]), dilation: [1, 1] };
}

/** The fused kernel's extent on each axis, in taps of the lattice `lat`: 1 + the sum of each stage's reach over lat. */
function latticeExtent(stages: readonly ChainStage[], lat: Pair): Pair {
  const axis = (a: 0 | 1): number => {
    let before = 1;
    let n = 0;
    for (const st of stages) {
      n += (before * st.dilation[a] * (st.kernel.shape[2 + a]! - 1)) / lat[a];
      before *= st.stride[a];
    }
    return n + 1;
  };
  return [axis(0), axis(1)];
}

/**
 * Composes the chain so far (kernel `a` over C channels in `ga` groups, total
 * stride `sa`, taps on the lattice `lat`) with stage `b`:
 * out[o, c, sa d t / lat + v] += K_b[o, m, t] K_a[m, c, v] summed over m (b's
 * group of o) ascending, then t, then v; bias b_b[o] + sum over m, t of
 * K_b[o, m, t] bias_a[m]. The result has gcd(ga, gb) groups: each group of
 * either conv lies inside one of them.
 */
function composeTwo(
  a: { kernel: Kernel64; bias: Float64Array; groups: number },
  sa: Pair,
  b: ChainStage,
  lat: Pair,
): { kernel: Kernel64; bias: Float64Array; groups: number } {
  const [m, ca, ah, aw] = a.kernel.shape;
  const [o, mb, kh, kw] = b.kernel.shape;
  const c = ca * a.groups;
  const g = gcd(a.groups, b.groups);
  const cPer = c / g;
  const sh = kh > 1 ? (sa[0] * b.dilation[0]) / lat[0] : 0;
  const sw = kw > 1 ? (sa[1] * b.dilation[1]) / lat[1] : 0;
  const eh = ah + sh * (kh - 1);
  const ew = aw + sw * (kw - 1);
  const data = new Float64Array(o * cPer * eh * ew);
  const bias = new Float64Array(o);
  const ka = a.kernel.data;
  const kb = b.kernel.data;
  for (let oc = 0; oc < o; oc++) {
    const gb = Math.floor(oc / (o / b.groups));
    const cBase = Math.floor(oc / (o / g)) * cPer;
    let acc = b.bias[oc]!;
    for (let mi = 0; mi < mb; mi++) {
      const mc = gb * mb + mi;
      const c0 = Math.floor(mc / (m / a.groups)) * ca - cBase; // m's first input channel, in o's fused group
      for (let ty = 0; ty < kh; ty++)
        for (let tx = 0; tx < kw; tx++) {
          const w = kb[((oc * mb + mi) * kh + ty) * kw + tx]!;
          if (w === 0) continue;
          acc += w * a.bias[mc]!;
          for (let ci = 0; ci < ca; ci++)
            for (let vy = 0; vy < ah; vy++) {
              const src = ((mc * ca + ci) * ah + vy) * aw;
              const dst = ((oc * cPer + c0 + ci) * eh + sh * ty + vy) * ew + sw * tx;
              for (let vx = 0; vx < aw; vx++) data[dst + vx]! += w * ka[src + vx]!;
            }
        }
    }
    bias[oc] = acc;
  }
  return { kernel: { data, shape: [o, cPer, eh, ew] }, bias, groups: g };
}

const axisStages = (stages: readonly ChainStage[], axis: 0 | 1): AxisStage[] =>
  stages.map((st) => ({
    k: st.kernel.shape[2 + axis]!,
    d: st.dilation[axis],
    s: st.stride[axis],
    before: st.pads[axis],
    after: st.pads[axis + 2]!,
  }));

const AXIS = ["height", "width"] as const;

const nameOf = (stages: readonly ChainStage[], i: number) => stages[i]!.name ?? `conv ${i + 1} of the chain`;

/** Stage i's input channels must be stage i - 1's output channels, in whole groups. */
function checkChannels(stages: readonly ChainStage[], name: string): Refusal | undefined {
  for (let i = 0; i < stages.length; i++) {
    const [o, per] = stages[i]!.kernel.shape;
    const g = stages[i]!.groups;
    const prev = i === 0 ? undefined : stages[i - 1]!.kernel.shape[0];
    if (o % g !== 0 || (prev !== undefined && per * g !== prev) || stages[i]!.bias.length !== o)
      return refusal(
        name,
        "SEQUENTIAL_SHAPE",
        `${nameOf(stages, i)} (${stages[i]!.kernel.shape.join("x")}, ${g} groups) does not read the ${prev ?? "?"} channels before it`,
      );
  }
  return undefined;
}

/**
 * Condition 2 of the border proof (see chain-border.ts), shared with DBB's
 * 1x1 -> kxk kind: the first channel whose frame value (`fill`, absent:
 * zeros) differs from the zero response `z` of what comes before the frame,
 * with that value; undefined when every channel matches.
 */
export function frameFault(
  fill: ArrayLike<number> | undefined,
  z: ArrayLike<number>,
): { c: number; f: number } | undefined {
  for (let c = 0; c < z.length; c++) {
    const f = fill === undefined ? 0 : fill[c]!;
    if (f !== z[c]) return { c, f };
  }
  return undefined;
}

/**
 * Collapses a chain of convs into one conv over x padded with zeros, in
 * float64, or says why that would not be exact. The proof (see
 * chain-border.ts): every frame in front of conv i + 1 must lie where the
 * virtual chain reads only x's zero padding (SEQUENTIAL_BORDER naming the
 * conv and side otherwise), and hold the chain's zero response z_i, the
 * composite bias of convs 1..i, channel by channel (SEQUENTIAL_BORDER naming
 * the channel and both values otherwise: zero padding after a biased conv).
 * Frames that hold z_i make the chain exact for any strides and dilations;
 * the fused conv has the strides' product as its stride, and the common
 * step of its taps as its dilation ({@link chainDilation}: a stride-2 1x1
 * then a 3x3 is a 3x3 at dilation 2, a 3x3 then a 3x3 at dilation 2 a 7x7
 * at dilation 1), with zeros at the lattice points no tap reaches.
 *
 * @param inputSize - x's [H, W] when known: with strides, whether a frame at
 *   the end lies outside x depends on it; without, every size is checked.
 */
export function composeChain(stages: readonly ChainStage[], name: string, inputSize?: Pair): ComposedChain | Refusal {
  if (stages.length === 0) return refusal(name, "EMPTY_BLOCK", "an empty chain of convs");
  const bad = checkChannels(stages, name);
  if (bad !== undefined) return bad;
  const axes = [axisStages(stages, 0), axisStages(stages, 1)] as const;
  for (const a of [0, 1] as const) {
    const fault = axisBorderFault(axes[a], inputSize?.[a]);
    if (fault !== undefined) {
      const p = stages[fault.stage - 1]!.kernel.shape;
      return refusal(
        name,
        "SEQUENTIAL_BORDER",
        `the ${fault.side === "start" ? "start" : "end"} of the ${AXIS[a]} border that ${nameOf(stages, fault.stage)} pads is, for the fused conv, ${nameOf(stages, fault.stage - 1)} (${p[2]}x${p[3]}) over the edge of the input, not a constant: no frame equals it`,
      );
    }
  }
  const first = stages[0]!;
  if (frameFault(first.fill, new Float64Array(first.kernel.shape[1] * first.groups)) !== undefined)
    return refusal(
      name,
      "SEQUENTIAL_BORDER",
      "the chain's input is padded with a non-zero value; the fused conv pads with zeros",
    );
  const lat = chainDilation(stages);
  const extent = latticeExtent(stages, lat);
  if (extent[0] > MAX_CHAIN_EXTENT || extent[1] > MAX_CHAIN_EXTENT)
    return refusal(
      name,
      "SEQUENTIAL_SHAPE",
      `the chain spreads into a ${extent[0]}x${extent[1]} kernel at dilation ${lat.join("x")} (at most ${MAX_CHAIN_EXTENT} taps per axis)`,
    );
  let acc: { kernel: Kernel64; bias: Float64Array; groups: number } = {
    kernel: spread(first, lat),
    bias: Float64Array.from(first.bias),
    groups: first.groups,
  };
  let stride: Pair = first.stride;
  for (let i = 1; i < stages.length; i++) {
    const st = stages[i]!;
    if (st.pads.some((p) => p > 0)) {
      const f = frameFault(st.fill, acc.bias);
      if (f !== undefined)
        return refusal(
          name,
          "SEQUENTIAL_BORDER",
          `${nameOf(stages, i)} pads its input with ${f.f} (channel ${f.c}) where ${nameOf(stages, i - 1)}${i > 1 ? " and the convs before it" : ""} give ${acc.bias[f.c]} for a zero input, the value the fused conv sees on that border`,
        );
    }
    acc = composeTwo(acc, stride, st, lat);
    stride = [stride[0] * st.stride[0], stride[1] * st.stride[1]];
  }
  const ends = [fusedEndPad(axes[0], inputSize?.[0]), fusedEndPad(axes[1], inputSize?.[1])];
  if (ends[0] === undefined || ends[1] === undefined)
    return refusal(name, "PADS_MISALIGNED", "no single conv padding gives the chain's output size");
  const [h, w] = [axisSpans(axes[0]), axisSpans(axes[1])];
  return {
    kernel: acc.kernel,
    bias: acc.bias,
    stride,
    pads: [0 - h[h.length - 1]!.l, 0 - w[w.length - 1]!.l, ends[0], ends[1]],
    dilation: lat,
    groups: acc.groups,
  };
}
