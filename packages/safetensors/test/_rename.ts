import { bytesSource } from "@reparam/core";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";

/** Re-encodes a safetensors file with every tensor renamed by `rename` (bytes unchanged). */
export async function renameKeys(bytes: Uint8Array, rename: (name: string) => string): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(bytes));
  return encodeSafetensorsBytes(
    entriesFromFile(file).map((e) => ({ ...e, name: rename(e.name) })),
    { metadata: file.metadata },
  );
}

/** Every tensor of a file as name -> [dtype, shape, bytes]. */
export async function tensorsOf(
  bytes: Uint8Array,
): Promise<Map<string, { dtype: string; shape: readonly number[]; bytes: Uint8Array }>> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const out = new Map<string, { dtype: string; shape: readonly number[]; bytes: Uint8Array }>();
  for (const t of file.tensors)
    out.set(t.name, { dtype: t.dtype, shape: t.shape, bytes: (await file.readTensor(t.name)).slice() });
  return out;
}

/** Re-encodes a safetensors file without the tensors `drop` says to drop, plus `extra` ones (copies of existing tensors' bytes). */
export async function editKeys(
  bytes: Uint8Array,
  drop: (name: string) => boolean,
  extra: Record<string, string> = {},
): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const entries = entriesFromFile(file).filter((e) => !drop(e.name));
  for (const [name, from] of Object.entries(extra)) {
    const t = file.tensor(from)!;
    entries.push({ name, dtype: t.dtype, shape: t.shape, data: () => file.readTensor(from) });
  }
  return encodeSafetensorsBytes(entries, { metadata: file.metadata });
}
