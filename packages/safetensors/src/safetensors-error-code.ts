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
] as const;

/** A `ReparamError.code` thrown by `@reparam/safetensors`. */
export type SafetensorsErrorCode = (typeof SAFETENSORS_ERROR_CODES)[number];
