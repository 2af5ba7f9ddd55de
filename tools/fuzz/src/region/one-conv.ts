import { conv2d } from "@reparam/test-utils";
import { type BorderState, startState, stateAfter } from "./region-borders.js";
import { type Dense, evaluateRegion } from "./evaluate-region.js";
import type { RegionSpec } from "./region-spec.js";

/** The border proof of a whole region from x: its output's state, or undefined where an op cuts it (`prove` false: the windows alone). */
export function traceRegion(spec: RegionSpec, prove = true): BorderState | undefined {
  const states = new Map([["x", startState(spec.inputShape)]]);
  const segment = [spec.inputShape[2] ?? 1, spec.inputShape[3] ?? 1] as const;
  for (const op of spec.ops) {
    const s = stateAfter(op, (t) => states.get(t)!, segment, prove);
    if (s === undefined) return undefined;
    states.set(op.out, s);
  }
  return states.get(spec.output);
}

/**
 * Checks, in float64 and independently of any converter, that a 4-D region
 * is one conv of x: reads the bias off the region's output for x = 0 (one
 * value per channel, everywhere) and the kernel off its responses to every
 * unit impulse (each response entry must land inside the region's window,
 * from its ops' geometry alone, and agree wherever two positions give the
 * same tap), then
 * compares that conv (test-utils' naive conv2d, zero pads) with the region
 * on `x`. True, or what broke.
 */
export function isOneConv(spec: RegionSpec, x: Dense): true | string {
  const state = traceRegion(spec, false);
  if (state?.axes === undefined) return "the region has no single window (a sum of different strides)";
  const [mh, mw] = state.axes;
  const [, c, h, w] = spec.inputShape as [number, number, number, number];
  const f0 = evaluateRegion(spec, { data: new Float64Array(c * h * w), shape: spec.inputShape });
  const [, o, oh, ow] = f0.shape as [number, number, number, number];
  const scale = 1 + f0.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * scale;
  const bias = Float64Array.from({ length: o }, (_, k) => f0.data[k * oh * ow]!);
  if (f0.data.some((v, i) => !close(v, bias[Math.floor(i / (oh * ow))]!)))
    return "the response to x = 0 is not one value per channel";
  const kh = mh.hi - mh.lo + 1;
  const kw = mw.hi - mw.lo + 1;
  const kernel = new Float64Array(o * c * kh * kw).fill(Number.NaN);
  const e = new Float64Array(c * h * w);
  for (let ci = 0; ci < c; ci++)
    for (let y = 0; y < h; y++)
      for (let z = 0; z < w; z++) {
        e.fill(0);
        e[(ci * h + y) * w + z] = 1;
        const r = evaluateRegion(spec, { data: e, shape: spec.inputShape }).data;
        for (let m = 0; m < o; m++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++) {
              const v = r[(m * oh + i) * ow + j]! - bias[m]!;
              const dy = y - (mh.a * i + mh.lo);
              const dx = z - (mw.a * j + mw.lo);
              if (dy < 0 || dy >= kh || dx < 0 || dx >= kw) {
                if (!close(v, 0)) return `x[${ci},${y},${z}] reaches output [${m},${i},${j}] outside its window`;
                continue;
              }
              const at = ((m * c + ci) * kh + dy) * kw + dx;
              if (Number.isNaN(kernel[at]!)) kernel[at] = v;
              else if (!close(kernel[at]!, v)) return `tap [${m},${ci},${dy},${dx}] differs between positions`;
            }
      }
  const weight = { data: kernel.map((v) => (Number.isNaN(v) ? 0 : v)), shape: [o, c, kh, kw] as const };
  const pads = [
    -mh.lo,
    -mw.lo,
    Math.max(0, mh.a * (oh - 1) + mh.hi - (h - 1)),
    Math.max(0, mw.a * (ow - 1) + mw.hi - (w - 1)),
  ] as const;
  const conv = conv2d(
    { data: Float64Array.from(x.data), shape: [1, c, h, w] },
    { weight, bias, stride: [mh.a, mw.a], pads: [...pads] },
  );
  if (conv.shape.join() !== f0.shape.join()) return `the conv gives [${conv.shape}], the region [${f0.shape}]`;
  const y = evaluateRegion(spec, x);
  const i = y.data.findIndex((v, k) => !close(v, conv.data[k]!));
  return i < 0 ? true : `output ${i}: region ${y.data[i]}, conv ${conv.data[i]}`;
}
