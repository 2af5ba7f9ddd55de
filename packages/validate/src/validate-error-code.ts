/**
 * Every `ReparamError` code this package throws:
 * - `VALIDATE_NO_BACKEND`: no backend could load and run both models; the
 *   message lists every backend tried and why it failed.
 * - `VALIDATE_BAD_MODEL`: a model path or source that is neither an ONNX file
 *   nor a TF.js model (a folder with `model.json`, or `model.json` itself).
 * - `VALIDATE_FORMAT_MISMATCH`: the original and the converted model are of
 *   different formats (ONNX vs TF.js).
 * - `VALIDATE_PATH_ESCAPE`: a TF.js weight path that would leave the model's folder.
 * - `VALIDATE_BAD_INPUT`: an input file or value that does not fit the model
 *   (size, rank, dtype, count) or a malformed `.npy` file.
 * - `VALIDATE_INPUT_SHAPE`: an input whose shape cannot be resolved (unknown
 *   rank and no `--shape` or `.npy` shape to take it from), or a model that
 *   runs at none of the sizes tried for its free input dimensions.
 * - `VALIDATE_BAD_OPTION`: an option out of range (negative tolerance, zero count ...).
 * - `VALIDATE_RUNTIME_MISSING`: no backend could run because the runtime
 *   packages it needs (optional peer dependencies: `RUNTIME_PACKAGES`) are not
 *   installed; the hint is the `npm i` command.
 */
export type ValidateErrorCode =
  | "VALIDATE_NO_BACKEND"
  | "VALIDATE_BAD_MODEL"
  | "VALIDATE_FORMAT_MISMATCH"
  | "VALIDATE_PATH_ESCAPE"
  | "VALIDATE_BAD_INPUT"
  | "VALIDATE_INPUT_SHAPE"
  | "VALIDATE_BAD_OPTION"
  | "VALIDATE_RUNTIME_MISSING";
