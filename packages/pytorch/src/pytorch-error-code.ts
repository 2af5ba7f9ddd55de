/**
 * Every `ReparamError.code` this package throws (besides the state-dict
 * codes of `@reparam/safetensors`, whose naming schemes it shares), the
 * runtime twin of {@link PytorchErrorCode}.
 *
 * - `PYTORCH_NOT_A_CHECKPOINT`: neither a zip archive nor the legacy magic number.
 * - `PYTORCH_TRUNCATED`: the bytes end before a record, a pickle or a storage does.
 * - `PYTORCH_BAD_ZIP`: a zip archive whose directory, headers or entry names are not those of `torch.save`.
 * - `PYTORCH_COMPRESSED_ENTRY`: a compressed or encrypted archive entry (`torch.save` stores them).
 * - `PYTORCH_BAD_PICKLE`: a pickle that is malformed (unknown opcode, empty stack, wrong operand types).
 * - `PYTORCH_FORBIDDEN_GLOBAL`: a global from a module that no checkpoint needs (`os`, `subprocess`, `builtins.eval` ...).
 * - `PYTORCH_FORBIDDEN_CALL`: a call (`REDUCE`, `INST`, `OBJ`) of a global outside the allow-list.
 * - `PYTORCH_BAD_STORAGE`: a storage the archive does not hold, or holds fewer bytes of than the pickle says.
 * - `PYTORCH_BAD_TENSOR`: a tensor whose shape, stride or offset is not valid or reaches outside its storage.
 * - `PYTORCH_UNSUPPORTED`: something valid this package does not read (a dtype, big-endian data, the tar format).
 * - `PYTORCH_NO_STATE_DICT`: no state dict or module in the checkpoint.
 * - `PYTORCH_BAD_KEY`: a state dict key that is not a string, or one name twice.
 * - `PYTORCH_TOO_DEEP`: values nested deeper than this package follows.
 * - `PYTORCH_TOO_LARGE`: a pickle, a module tree, or an output, past what this package handles.
 */
export const PYTORCH_ERROR_CODES = [
  "PYTORCH_NOT_A_CHECKPOINT",
  "PYTORCH_TRUNCATED",
  "PYTORCH_BAD_ZIP",
  "PYTORCH_COMPRESSED_ENTRY",
  "PYTORCH_BAD_PICKLE",
  "PYTORCH_FORBIDDEN_GLOBAL",
  "PYTORCH_FORBIDDEN_CALL",
  "PYTORCH_BAD_STORAGE",
  "PYTORCH_BAD_TENSOR",
  "PYTORCH_UNSUPPORTED",
  "PYTORCH_NO_STATE_DICT",
  "PYTORCH_BAD_KEY",
  "PYTORCH_TOO_DEEP",
  "PYTORCH_TOO_LARGE",
] as const;

/** A code of {@link PYTORCH_ERROR_CODES}. */
export type PytorchErrorCode = (typeof PYTORCH_ERROR_CODES)[number];
