/**
 * Every `ReparamError.code` this package throws, the runtime twin of
 * {@link SafetensorsErrorCode}.
 *
 * - `SAFETENSORS_TRUNCATED`: fewer bytes than the 8-byte prefix, the header or
 *   the tensor data need.
 * - `SAFETENSORS_HEADER_TOO_LARGE`: header length over 100,000,000 bytes.
 * - `SAFETENSORS_HEADER_NOT_UTF8`: the header bytes are not valid UTF-8.
 * - `SAFETENSORS_HEADER_NOT_JSON`: not strict JSON, or not a JSON object.
 * - `SAFETENSORS_DUPLICATE_KEY`: one key twice in one JSON object (any depth),
 *   or one tensor name twice in what is given to the encoder.
 * - `SAFETENSORS_BAD_METADATA`: `__metadata__` is not a string-to-string map.
 * - `SAFETENSORS_UNKNOWN_DTYPE`: a dtype outside {@link SAFETENSORS_DTYPES}.
 * - `SAFETENSORS_BAD_ENTRY`: a tensor entry that is not exactly
 *   `{dtype, shape, data_offsets}` of the right JSON types, or a bad name.
 * - `SAFETENSORS_BAD_SHAPE`: a dim that is not a non-negative safe integer, a
 *   byte length past 2^53 - 1, or a sub-byte tensor that does not fill whole bytes.
 * - `SAFETENSORS_BAD_OFFSETS`: offsets that are not `[begin, end]` integers,
 *   or that, sorted, do not tile the data section from 0 to its end.
 * - `SAFETENSORS_SIZE_MISMATCH`: a byte length other than product(shape) * dtype size.
 * - `SAFETENSORS_TENSOR_NOT_FOUND`: no tensor of that name in the file.
 * - `SAFETENSORS_BAD_INDEX`: a `*.safetensors.index.json` that is not valid.
 * - `SAFETENSORS_PATH_ESCAPE`: a shard file name that is not a plain name in the folder.
 * - `SAFETENSORS_NO_SCHEME`: no naming scheme matches the keys, or an unknown scheme name.
 * - `SAFETENSORS_BAD_SCHEME`: a custom naming scheme (JSON or object) that is not valid.
 * - `SAFETENSORS_INCOMPLETE_BLOCK`: a key that looks like part of a block's
 *   branch but does not complete one (a missing weight, a partial BatchNorm,
 *   an unknown key under a branch, a required branch missing).
 * - `SAFETENSORS_AMBIGUOUS_BLOCK`: one block with two alternative forms of a
 *   branch at once (DBB `idconv1` and `conv1`), so that a key would be used twice.
 * - `SAFETENSORS_SHAPE_MISMATCH`: block tensors whose shapes disagree
 *   (channels, BatchNorm lengths, an identity with in != out, an even kernel).
 * - `SAFETENSORS_MIXED_FORMS`: a block present both in its train-time and its deploy-time form.
 * - `SAFETENSORS_BAD_BN`: a BatchNorm of a block with a NaN or infinite value or a negative variance.
 * - `SAFETENSORS_UNSUPPORTED_DTYPE`: a block tensor that is not F32, F16, BF16 or F64.
 * - `SAFETENSORS_BAD_OPTION`: a conversion option with a value this adapter cannot use.
 * - `SAFETENSORS_UNKNOWN_BLOCK`: a fuse decision whose block is not one of this
 *   state dict's (from another model, or not made by this adapter's findBlocks).
 */
export const SAFETENSORS_ERROR_CODES = [
  "SAFETENSORS_TRUNCATED",
  "SAFETENSORS_HEADER_TOO_LARGE",
  "SAFETENSORS_HEADER_NOT_UTF8",
  "SAFETENSORS_HEADER_NOT_JSON",
  "SAFETENSORS_DUPLICATE_KEY",
  "SAFETENSORS_BAD_METADATA",
  "SAFETENSORS_UNKNOWN_DTYPE",
  "SAFETENSORS_BAD_ENTRY",
  "SAFETENSORS_BAD_SHAPE",
  "SAFETENSORS_BAD_OFFSETS",
  "SAFETENSORS_SIZE_MISMATCH",
  "SAFETENSORS_TENSOR_NOT_FOUND",
  "SAFETENSORS_BAD_INDEX",
  "SAFETENSORS_PATH_ESCAPE",
  "SAFETENSORS_NO_SCHEME",
  "SAFETENSORS_BAD_SCHEME",
  "SAFETENSORS_INCOMPLETE_BLOCK",
  "SAFETENSORS_AMBIGUOUS_BLOCK",
  "SAFETENSORS_SHAPE_MISMATCH",
  "SAFETENSORS_MIXED_FORMS",
  "SAFETENSORS_BAD_BN",
  "SAFETENSORS_UNSUPPORTED_DTYPE",
  "SAFETENSORS_BAD_OPTION",
  "SAFETENSORS_UNKNOWN_BLOCK",
] as const;

/** A `ReparamError.code` thrown by `@reparam/safetensors`. */
export type SafetensorsErrorCode = (typeof SAFETENSORS_ERROR_CODES)[number];
