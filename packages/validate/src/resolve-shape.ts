import { ReparamError } from "@reparam/core";
import type { TensorSpec } from "./numeric-tensor.js";

/**
 * Values for dynamic dimensions, by symbolic name (an ONNX `dim_param` such
 * as `batch`); the key `*` sets every other dynamic dimension. Unset dynamic
 * dimensions are 1.
 */
export type DynamicDims = Readonly<Record<string, number>>;

/**
 * The concrete shape of an input: static dims as declared, dynamic ones
 * (symbolic, `null`, or negative as TF.js writes them) from `dims`.
 * Throws `VALIDATE_INPUT_SHAPE` when the rank is unknown.
 */
export function resolveShape(spec: TensorSpec, dims: DynamicDims = {}): number[] {
  if (spec.dims === null) {
    throw new ReparamError("VALIDATE_INPUT_SHAPE", "input has no declared shape", {
      where: `input '${spec.name}'`,
      hint: "give this input as a .npy file, whose header carries the shape",
    });
  }
  return spec.dims.map((d) => {
    if (typeof d === "number" && d >= 0) return d;
    const named = typeof d === "string" ? dims[d] : undefined;
    return named ?? dims["*"] ?? 1;
  });
}

/** True when `shape` fits the declared dims: same rank, static dims equal (dynamic ones take any size). */
export function shapeFits(spec: TensorSpec, shape: readonly number[]): boolean {
  if (spec.dims === null) return true;
  if (spec.dims.length !== shape.length) return false;
  return spec.dims.every((d, i) => typeof d !== "number" || d < 0 || d === shape[i]);
}
