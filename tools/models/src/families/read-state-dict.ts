import { bytesSource } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import type { StateDict, StateTensor } from "./family-net.js";

/** The F32 tensors of a safetensors file by key (integer buffers such as `num_batches_tracked` left out). */
export async function readStateDict(bytes: Uint8Array): Promise<StateDict> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const dict = new Map<string, StateTensor>();
  for (const t of file.tensors) {
    if (t.dtype !== "F32") continue;
    // A copy (a Node Buffer's slice() would be a view of the file's bytes, unaligned).
    const raw = new Uint8Array(await file.readTensor(t.name));
    dict.set(t.name, { shape: t.shape, data: new Float32Array(raw.buffer, 0, raw.byteLength / 4) });
  }
  return dict;
}
