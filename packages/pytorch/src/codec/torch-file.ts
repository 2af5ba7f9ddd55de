import type { PyValue, TorchStorage } from "./pickle/py-value.js";

/** A decoded `torch.save` file: its pickled value, and where each storage's bytes are. */
export interface TorchFile {
  /** `zip` (torch >= 1.6) or `legacy` (`_use_new_zipfile_serialization=False`). */
  readonly layout: "zip" | "legacy";
  /** The pickled value (see `PyValue`); tensors in it name their storages. */
  readonly root: PyValue;
  /** Every storage the pickle names, by key. */
  readonly storages: ReadonlyMap<string, TorchStorage>;
  /** File offset of each storage's first byte, by key; `numel * element size` bytes follow. */
  readonly storageOffsets: ReadonlyMap<string, number>;
  /** Format facts for `describe` (archive name, format version). */
  readonly details: Readonly<Record<string, string>>;
}

/** Largest pickle read (bytes): the metadata of a checkpoint, never its tensors. */
export const MAX_PICKLE_BYTES = 512 << 20;
