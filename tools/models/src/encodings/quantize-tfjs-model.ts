import { narrowFloat16Array } from "@reparam/core";
import {
  decodeWeights,
  encodeModelJson,
  encodeWeights,
  memoryFiles,
  weightValues,
  type TfjsModelJson,
  type TfjsWeight,
} from "@reparam/tfjs";

/** A TF.js model's files by path: `model.json` (or `<name>.json`) and its shards. */
export type TfjsFiles = Map<string, Uint8Array>;

/** How {@link quantizeTfjsModel} stores every float32 weight, as tensorflowjs_converter's `--quantize_uint8/uint16/float16`. */
export type TfjsQuantization = "uint8" | "uint16" | "float16";

/**
 * The affine grid tensorflowjs_converter picks (`quantization.py`): scale =
 * (max - min) / qmax, min nudged so that 0 is a grid point, values clipped
 * to the nudged range and rounded.
 */
function affine(v: Float32Array, qmax: number): { min: number; scale: number; q: number[] } {
  let lo = 0;
  let hi = 0;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const scale = hi > lo ? (hi - lo) / qmax : 1;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  const max = qmax * scale + min;
  const q = Array.from(v, (x) => Math.round((Math.min(max, Math.max(min, x)) - min) / scale));
  return { min, scale, q };
}

function quantized(w: TfjsWeight, dtype: TfjsQuantization): TfjsWeight {
  if (w.dtype !== "float32" || w.quantization !== undefined) return w;
  const v = weightValues(w) as Float32Array;
  if (dtype === "float16") {
    const bits = narrowFloat16Array(v);
    const quantization = { dtype, original_dtype: "float32" } as const;
    return { ...w, quantization, bytes: new Uint8Array(bits.buffer) };
  }
  const { min, scale, q } = affine(v, dtype === "uint8" ? 255 : 65535);
  const bytes = dtype === "uint8" ? Uint8Array.from(q) : new Uint8Array(Uint16Array.from(q).buffer);
  return { ...w, quantization: { dtype, min, scale, original_dtype: "float32" }, bytes };
}

/**
 * A float32 TF.js model (layers or graph) with every float32 weight stored
 * quantized, as tensorflowjs_converter writes it: uint8/uint16 on the
 * converter's affine grid, or float16 (`{dtype: "float16"}`). Written as one
 * shard group; `name` names the files `<name>.json` + `<name>-shard1of1.bin`
 * (several models in one folder) instead of `model.json` + `group1-...`.
 */
export async function quantizeTfjsModel(files: TfjsFiles, dtype: TfjsQuantization, name?: string): Promise<TfjsFiles> {
  const json = JSON.parse(new TextDecoder().decode(files.get("model.json")!)) as TfjsModelJson;
  // Every weight read now (none left lazily in its shards): weightValues needs the bytes.
  const weights = await decodeWeights(json.weightsManifest ?? [], memoryFiles(files), Infinity);
  const encoded = encodeWeights(
    weights.map((w) => quantized(w, dtype)),
    name === undefined ? {} : { groupName: name },
  );
  const out: TfjsFiles = new Map();
  out.set(
    name === undefined ? "model.json" : `${name}.json`,
    encodeModelJson({ ...json, weightsManifest: encoded.manifest }),
  );
  for (const s of encoded.shards) out.set(s.path, s.bytes);
  return out;
}
