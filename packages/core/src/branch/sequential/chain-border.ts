/**
 * The border proof of a sequential composition, one axis at a time.
 *
 * A chain y = conv_n(frame_n(... conv_2(frame_2(conv_1(pad0(x)))))) is
 * replaced by ONE conv over x padded with zeros. Think of that conv as the
 * chain run on the zero-padded x with no frames at all ("virtual" chain):
 * every stage is a valid conv, so the virtual stage-i output is defined on a
 * margin around the real one. The real chain equals the virtual one iff, at
 * each stage, what conv_{i+1} reads in its frame equals what the virtual
 * stage i holds there. A virtual position whose window in x lies entirely in
 * x's zero padding holds the chain's response to a zero input, z_i (stages 1..i
 * composed: the composite bias); a position whose window reaches into x holds
 * a value that depends on x, which no constant frame can match. So the fold
 * is exact iff, for every frame:
 *
 *  1. every frame position's window in x lies outside x (this file), and
 *  2. the frame's value equals z_i, channel by channel (compose-chain.ts).
 *
 * Per axis, stage-i output position q reads x on [S_i q + l_i, S_i q + r_i]
 * with S_i the product of the strides so far, and, for a stage with kernel
 * extent k, dilation d, stride s and `before` pads in front of it:
 * l_i = l_{i-1} - S_{i-1} before, r_i = r_{i-1} + S_{i-1} ((k - 1) d - before),
 * l_0 = r_0 = 0, S_0 = 1. A frame in front of stage i + 1 holds positions
 * q = -1, -2, ... (left: outside x iff S_i (-1) + r_i < 0, for every input
 * size) and q = n_i, n_i + 1, ... (right: outside iff S_i n_i + l_i >= N, with
 * n_i the real output length, which depends on N through floors: periodic in
 * N with period S_i once every length is positive, so a period of sizes is
 * checked, or the one size known). Example: a 3x3 conv with padding 1 then
 * any padded conv fails 1. on both sides (r_1 = 1 >= S_1 = 1: the frame
 * position next to x reads x's first column), biases or not; a 1x1 (or a
 * 1 x k on the other axis) passes 1. on that axis with r_1 = 0.
 */

/** One stage of a chain on one axis. */
export interface AxisStage {
  readonly k: number;
  readonly d: number;
  readonly s: number;
  readonly before: number;
  readonly after: number;
}

/** Where stage i's x-window starts and ends (affine in the output position) and the total stride. */
export interface AxisSpan {
  readonly S: number;
  readonly l: number;
  readonly r: number;
}

/** The spans after each stage: spans[i] for stages 0..i (spans[-1] is the identity {1, 0, 0}). */
export function axisSpans(stages: readonly AxisStage[]): AxisSpan[] {
  const out: AxisSpan[] = [];
  let cur: AxisSpan = { S: 1, l: 0, r: 0 };
  for (const st of stages) {
    cur = {
      S: cur.S * st.s,
      l: cur.l - cur.S * st.before,
      r: cur.r + cur.S * ((st.k - 1) * st.d - st.before),
    };
    out.push(cur);
  }
  return out;
}

/** Real output lengths of each stage for an input of length n (undefined where one is < 1). */
export function axisLengths(stages: readonly AxisStage[], n: number): number[] | undefined {
  const out: number[] = [];
  let cur = n;
  for (const st of stages) {
    cur = Math.floor((cur + st.before + st.after - (st.k - 1) * st.d - 1) / st.s) + 1;
    if (!(cur >= 1)) return undefined;
    out.push(cur);
  }
  return out;
}

/** The input lengths to check: the one known, else one period (the total stride) from the smallest valid one. */
export function lengthsToCheck(stages: readonly AxisStage[], known: number | undefined): number[] {
  if (known !== undefined) return [known];
  const period = stages.reduce((p, st) => p * st.s, 1);
  let first = 1;
  while (axisLengths(stages, first) === undefined && first < 1 << 16) first++;
  return Array.from({ length: period }, (_, i) => first + i);
}

/**
 * The first frame whose positions are not all outside x on this axis:
 * `{ stage, side }` with `stage` the index in `stages` (from 0; never 0, the
 * first conv's frame being x's own zero padding) of the conv the frame is in
 * front of, or undefined when every frame is outside.
 */
export function axisBorderFault(
  stages: readonly AxisStage[],
  known: number | undefined,
): { readonly stage: number; readonly side: "start" | "end" } | undefined {
  const spans = axisSpans(stages);
  const sizes = lengthsToCheck(stages, known);
  for (let i = 1; i < stages.length; i++) {
    const st = stages[i]!;
    const prev = spans[i - 1]!;
    if (st.before > 0 && -prev.S + prev.r >= 0) return { stage: i, side: "start" };
    if (st.after > 0) {
      for (const n of sizes) {
        const lens = axisLengths(stages, n);
        if (lens !== undefined && prev.S * lens[i - 1]! + prev.l < n) return { stage: i, side: "end" };
      }
    }
  }
  return undefined;
}

/**
 * The fused conv's end pad on this axis: the one that gives the chain's
 * output length for every size checked, or undefined when none does.
 */
export function fusedEndPad(stages: readonly AxisStage[], known: number | undefined): number | undefined {
  const spans = axisSpans(stages);
  const last = spans[spans.length - 1]!;
  const begin = -last.l;
  const extent = last.r - last.l + 1;
  const sizes = lengthsToCheck(stages, known);
  // The pad the frames add at the end, in x's units; then the smallest that fits, if another does.
  const guess = stages.reduce((acc, st, i) => acc + (i === 0 ? 1 : spans[i - 1]!.S) * st.after, 0);
  const fits = (pad: number) =>
    sizes.every((n) => {
      const lens = axisLengths(stages, n);
      const fused = Math.floor((n + begin + pad - extent) / last.S) + 1;
      return lens !== undefined && fused === lens[lens.length - 1];
    });
  if (fits(guess)) return guess;
  for (let pad = 0; pad < guess + last.S; pad++) if (fits(pad)) return pad;
  return undefined;
}
