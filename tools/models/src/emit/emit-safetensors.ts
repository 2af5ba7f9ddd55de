import type { ByteSink } from "@reparam/core";
import { type SafetensorsEntry, type SafetensorsPlan, encodeSafetensors } from "@reparam/safetensors";
import type { Arch } from "../arch/arch.js";
import { stateDictTensors } from "../weights/state-dict-tensors.js";
import { tensorValues, valueBytes } from "../weights/tensor-values.js";

/** Options of {@link emitSafetensors}. */
export interface EmitSafetensorsOptions {
  /** Model seed: the same seed gives the same bytes. */
  readonly seed: number;
}

/**
 * Writes the PyTorch state dict of `arch` (train or deploy form, see
 * `stateDictTensors`) as safetensors to `sink`, with the family's key names
 * and seeded random values, in the reference writer's layout and with
 * `__metadata__` `{format: "pt"}` as `safetensors.torch.save_file` writes.
 * Streams: one tensor's values exist at a time.
 */
export function emitSafetensors(arch: Arch, options: EmitSafetensorsOptions, sink: ByteSink): Promise<SafetensorsPlan> {
  const entries: SafetensorsEntry[] = stateDictTensors(arch).map((spec) => ({
    name: spec.name,
    dtype: spec.dtype,
    shape: spec.shape,
    data: () => Promise.resolve(valueBytes(tensorValues(spec, options.seed))),
  }));
  return encodeSafetensors(entries, { metadata: { format: "pt" } }, sink);
}
