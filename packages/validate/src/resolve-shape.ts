import { ReparamError } from "@reparam/core";
import type { TensorSpec } from "./numeric-tensor.js";

/**
 * Values for dynamic dimensions, by symbolic name (an ONNX `dim_param` such
 * as `batch`); the key `*` sets every other dynamic dimension. Unset dynamic
 * dimensions follow {@link resolveShape}.
 */
export type DynamicDims = Readonly<Record<string, number>>;

/** Whole shapes of inputs, by input name (`--shape name=d1,d2`): for inputs without a declared shape, or to override one. */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

/** The size a free dimension (time, height, width ...) gets unless told: large enough for pools and strided convs. */
export const DEFAULT_FREE_SIZE = 64;

// A leading dynamic dim is the batch unless its name says it is a time or sequence axis (LSTM's X is [seq, batch, in]).
const TIME_LIKE = /time|seq|len|frame|step|sample/i;

/** True when dynamic dim `i` (name `d`, if any) is a batch dimension: kept at 1. */
export function isBatchDim(d: number | string | null, i: number): boolean {
  if (typeof d === "string" && /batch/i.test(d)) return true;
  return i === 0 && !(typeof d === "string" && TIME_LIKE.test(d));
}

/**
 * The concrete shape of an input: `shapes[name]` when given; else static
 * dims as declared and dynamic ones (symbolic, `null`, or negative as TF.js
 * writes them) from `dims` by name, else `dims["*"]`, else 1 for a batch dim
 * ({@link isBatchDim}) and `free` for the others.
 * Throws `VALIDATE_INPUT_SHAPE` when the rank is unknown and no shape is given.
 */
export function resolveShape(
  spec: TensorSpec,
  dims: DynamicDims = {},
  free = DEFAULT_FREE_SIZE,
  shapes: InputShapes = {},
): number[] {
  const given = shapes[spec.name];
  if (given !== undefined) return [...given];
  if (spec.dims === null) {
    throw new ReparamError("VALIDATE_INPUT_SHAPE", "input has no declared shape", {
      where: `input '${spec.name}'`,
      hint: `give its shape (--shape ${spec.name}=d1,d2,...) or its values as a .npy file, whose header carries the shape`,
    });
  }
  return spec.dims.map((d, i) => {
    if (typeof d === "number" && d >= 0) return d;
    const named = typeof d === "string" ? dims[d] : undefined;
    return named ?? dims["*"] ?? (isBatchDim(d, i) ? 1 : free);
  });
}

/** True when `spec` has a dynamic dim that the free size decides (not set by `dims`, `shapes`, nor a batch dim). */
export function hasFreeDims(spec: TensorSpec, dims: DynamicDims = {}, shapes: InputShapes = {}): boolean {
  if (spec.dims === null || shapes[spec.name] !== undefined || dims["*"] !== undefined) return false;
  return spec.dims.some(
    (d, i) =>
      !(typeof d === "number" && d >= 0) && !(typeof d === "string" && dims[d] !== undefined) && !isBatchDim(d, i),
  );
}

/** True when `shape` fits the declared dims: same rank, static dims equal (dynamic ones take any size). */
export function shapeFits(spec: TensorSpec, shape: readonly number[]): boolean {
  if (spec.dims === null) return true;
  if (spec.dims.length !== shape.length) return false;
  return spec.dims.every((d, i) => typeof d !== "number" || d < 0 || d === shape[i]);
}
