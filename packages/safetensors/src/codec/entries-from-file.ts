import type { SafetensorsFile } from "./decode-safetensors.js";
import type { SafetensorsEntry } from "./encode-safetensors.js";

/**
 * The tensors of a decoded file as encoder entries whose bytes are read from
 * the file only when the encoder reaches them: pass tensors through (or
 * rename them) without holding the whole file.
 */
export function entriesFromFile(file: SafetensorsFile): SafetensorsEntry[] {
  return file.tensors.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    data: () => file.readTensor(t.name),
  }));
}
