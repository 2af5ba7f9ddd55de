/**
 * Storage dtype of a TF.js weight as written in `weightsManifest`. The format
 * also knows `string` (length-prefixed UTF-8) and `complex64`; this package
 * reads and writes the three numeric ones only.
 *
 * - `float32`: 4 bytes per element, IEEE 754 little-endian.
 * - `int32`: 4 bytes per element, two's complement little-endian.
 * - `bool`: 1 byte per element, 0 or 1.
 */
export type TfjsDtype = "float32" | "int32" | "bool";

/**
 * How a quantized weight is stored. The dequantized value is
 * `min + q * scale` for `uint8`/`uint16` (rounded to an integer when the
 * weight's dtype is `int32`), and the IEEE half-precision value for `float16`
 * (allowed for `float32` weights only).
 */
export interface WeightQuantization {
  /** Storage type of each element: 1 byte (`uint8`) or 2 bytes (`uint16`, `float16`), little-endian. */
  readonly dtype: "uint8" | "uint16" | "float16";
  /** Offset added to every scaled value (`uint8`/`uint16` only; required there). */
  readonly min?: number;
  /** Step between consecutive quantized values (`uint8`/`uint16` only; required there). */
  readonly scale?: number;
  /** The dtype before quantization, as written by the Python converter (informative). */
  readonly original_dtype?: string;
}

/**
 * One weight in a manifest group (TF.js `WeightsManifestEntry`). Its bytes
 * follow the previous weight's bytes in the group's concatenated shards; its
 * byte length is `product(shape) * bytesPerElement`, where the element size is
 * the quantization dtype's when quantized, else the dtype's.
 */
export interface WeightSpec {
  /** Name, verbatim: `layer/kernel` in layers models, the Const node's name in graph models. */
  readonly name: string;
  /** Dimensions, outermost first; `[]` for a scalar. Kernels are HWIO. */
  readonly shape: readonly number[];
  /** Dtype of the dequantized tensor. Other strings (`string`, `complex64`) are kept but cannot be decoded. */
  readonly dtype: TfjsDtype | (string & {});
  /** Present when the stored bytes are quantized. */
  readonly quantization?: WeightQuantization;
  /** `model` or `optimizer` (TF.js `WeightGroup`); optimizer weights are not used for inference. */
  readonly group?: string;
}

/**
 * A group of weights stored in one ordered list of files: the files
 * concatenated hold the weights' bytes back to back in `weights` order, and a
 * weight may straddle two files.
 */
export interface WeightsGroup {
  /** Shard file names relative to the folder of `model.json` (e.g. `group1-shard1of3.bin`). */
  readonly paths: readonly string[];
  /** The weights stored in this group, in storage order. */
  readonly weights: readonly WeightSpec[];
}

/** The `weightsManifest` of a `model.json`: groups, read in this order. */
export type WeightsManifest = readonly WeightsGroup[];
