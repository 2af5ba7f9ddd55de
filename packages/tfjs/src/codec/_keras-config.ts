import type { Pads, Pair } from "@reparam/core";

type Config = Readonly<Record<string, unknown>>;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A Keras int-or-pair argument (`kernel_size`, `strides`, `dilation_rate`) as [h, w]; undefined if malformed. */
export function configPair(value: unknown, fallback?: number): Pair | undefined {
  if (value === undefined || value === null) return fallback === undefined ? undefined : [fallback, fallback];
  if (isCount(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(isCount))
    return [value[0] as number, value[1] as number];
  return undefined;
}

/** True when the layer applies no activation (`linear`, absent or null). */
export function isLinear(config: Config): boolean {
  const a = config.activation;
  return a === undefined || a === null || a === "linear";
}

/** True unless `data_format` says `channels_first`. */
export function isChannelsLast(config: Config): boolean {
  const f = config.data_format;
  return f === undefined || f === null || f === "channels_last";
}

/** `padding` of a conv or pool: `same` or `valid` (anything else, e.g. `causal`, is undefined). */
export function convPaddingName(config: Config): "same" | "valid" | undefined {
  const p = config.padding;
  return p === "same" || p === "valid" ? p : undefined;
}

/**
 * ZeroPadding2D's `padding` (`p`, `[h, w]` or `[[top, bottom], [left, right]]`)
 * as pads [top, left, bottom, right].
 */
export function zeroPaddingPads(value: unknown): Pads | undefined {
  if (isCount(value)) return [value, value, value, value];
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [h, w] = value as unknown[];
  if (isCount(h) && isCount(w)) return [h, w, h, w];
  const pair = (v: unknown): [number, number] | undefined =>
    Array.isArray(v) && v.length === 2 && v.every(isCount) ? [v[0] as number, v[1] as number] : undefined;
  const ph = pair(h);
  const pw = pair(w);
  return ph && pw ? [ph[0], pw[0], ph[1], pw[1]] : undefined;
}

/** BatchNormalization's `axis` is the channels axis of an NHWC tensor (-1, 3, [-1] or [3]). */
export function isChannelAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === -1 || a === 3 || a === undefined;
}
