import { readFile } from "node:fs/promises";
import { ReparamError } from "@reparam/core";
import { decodeNpy, isNpy } from "./decode-npy.js";

/**
 * One input value for a run: a file path, or bytes or values in memory.
 * Files and bytes are `.npy` (any float, integer or bool dtype, recognized
 * by its magic string; see {@link decodeNpy}) or raw float32 little-endian
 * (shape then from the model). Values are converted to the input's dtype. `name` assigns the
 * value to the model input of that name; unnamed values fill the model's
 * inputs in order, sample after sample.
 */
export type InputSource =
  | string
  | { readonly name?: string; readonly path: string }
  | { readonly name?: string; readonly bytes: Uint8Array; readonly label?: string }
  | {
      readonly name?: string;
      readonly data: ArrayLike<number>;
      readonly shape?: readonly number[];
      readonly label?: string;
    };

/** An input value loaded: its values, their shape when the source says it, and a label for reports. */
export interface LoadedInput {
  readonly name: string | undefined;
  readonly label: string;
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[] | undefined;
}

/** Reads a file or decodes bytes of an {@link InputSource}. */
export async function loadInputSource(source: InputSource): Promise<LoadedInput> {
  const s = typeof source === "string" ? { path: source } : source;
  const name = "name" in s ? s.name : undefined;
  if ("data" in s) return { name, label: s.label ?? "values", data: s.data, shape: s.shape };
  const label = "path" in s ? s.path : (s.label ?? "bytes");
  const bytes = "path" in s ? await readInput(s.path) : s.bytes;
  if (isNpy(bytes)) {
    const npy = decodeNpy(bytes, label);
    return { name, label, data: npy.data, shape: npy.shape };
  }
  if (bytes.byteLength % 4 !== 0) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "raw float32 input has a length that is not a multiple of 4", {
      where: label,
      found: `${bytes.byteLength} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  return { name, label, data, shape: undefined };
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "cannot read input file", {
      where: path,
      found: (e as Error).message,
      cause: e,
    });
  }
}
