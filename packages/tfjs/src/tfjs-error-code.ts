/**
 * Every `ReparamError` code this package throws:
 * - `TFJS_BAD_JSON`: model.json is not UTF-8 JSON holding an object.
 * - `TFJS_NO_TOPOLOGY`: model.json has no `modelTopology` object.
 * - `TFJS_UNKNOWN_FORMAT`: `format` is neither `layers-model` nor `graph-model`
 *   (or, when absent, the topology does not tell).
 * - `TFJS_BAD_TOPOLOGY`: a layers topology that is not a Keras model config.
 * - `TFJS_BAD_MANIFEST`: `weightsManifest` is malformed.
 * - `TFJS_PATH_ESCAPE`: a shard path that would leave the model's folder.
 * - `TFJS_DUPLICATE_WEIGHT`: two weights with the same name.
 * - `TFJS_UNKNOWN_DTYPE`: a weight dtype other than float32/int32/bool, or an
 *   unknown quantization dtype.
 * - `TFJS_BAD_QUANTIZATION`: quantization that cannot be dequantized.
 * - `TFJS_MISSING_SHARD`: a shard file cannot be read.
 * - `TFJS_SHARD_SIZE`: a group's shards hold more or fewer bytes than its weights need.
 * - `TFJS_BAD_WEIGHT`: a weight to encode whose bytes or values do not match its shape.
 * - `TFJS_BAD_OPTION`: an invalid encoding option.
 * - `TFJS_UNKNOWN_BLOCK`: a fusion to write whose block was not found in this model by {@link findTfjsBlocks}.
 */
export type TfjsErrorCode =
  | "TFJS_BAD_JSON"
  | "TFJS_NO_TOPOLOGY"
  | "TFJS_UNKNOWN_FORMAT"
  | "TFJS_BAD_TOPOLOGY"
  | "TFJS_BAD_MANIFEST"
  | "TFJS_PATH_ESCAPE"
  | "TFJS_DUPLICATE_WEIGHT"
  | "TFJS_UNKNOWN_DTYPE"
  | "TFJS_BAD_QUANTIZATION"
  | "TFJS_MISSING_SHARD"
  | "TFJS_SHARD_SIZE"
  | "TFJS_BAD_WEIGHT"
  | "TFJS_BAD_OPTION"
  | "TFJS_UNKNOWN_BLOCK";
