import { isReparamError, ReparamError } from "@reparam/core";

/** What to say about a file its adapter could not read, by format. */
const WHAT: Readonly<Record<string, string>> = {
  onnx: "a complete .onnx file (and its external data files)",
  safetensors: "a complete .safetensors file (and every shard its index lists)",
  tfjs: "a complete TF.js model (model.json and every weight file it lists)",
  pytorch: "a complete torch.save file",
};

/**
 * An error thrown while a model was being read (decoded) with a hint for the
 * user when the adapter gave none: such errors mean a malformed or cut file
 * (`ONNX_DECODE`, `SAFETENSORS_TRUNCATED`, a shard that is missing:
 * `CLI_FILE_NOT_FOUND`, ...); a path that leaves the model's folder is not
 * one (`CLI_PATH_ESCAPE`, a hint would mislead). Code, message, where,
 * expected and found stay as they were; anything else is returned as it is.
 */
export function withDecodeHint(e: unknown, format: string): unknown {
  if (!isReparamError(e) || e.hint !== undefined || e.code === "CLI_PATH_ESCAPE") return e;
  const hint = `is this ${WHAT[format] ?? `a complete ${format} model`}? Export it again or download it again`;
  return Object.assign(new ReparamError(e.code, e.message, { hint, cause: e }), {
    where: e.where,
    expected: e.expected,
    found: e.found,
  });
}
