import type { ByteSource } from "@reparam/core";
import type { SafetensorsModel } from "@reparam/safetensors";
import type { TorchFile } from "./codec/torch-file.js";
import type { FoundStateDict } from "./view/find-state-dict.js";
import type { TensorByteReader } from "./view/read-tensor-bytes.js";

/** A decoded PyTorch checkpoint: the file's structure, its state dict, and a state-dict view for the shared naming schemes. */
export interface PytorchModel {
  /** Name of the input file. */
  readonly name: string;
  readonly source: ByteSource;
  readonly file: TorchFile;
  /** The state dict and how the checkpoint holds it. */
  readonly found: FoundStateDict;
  /** The state dict as `@reparam/safetensors` sees a state dict (its schemes, block finding and writer run on it). */
  readonly view: SafetensorsModel;
  /** Reads tensor bytes by offset from the file. */
  readonly read: TensorByteReader;
}
