import { bytesSource, encodeUtf8 } from "@reparam/core";
import { decodeSafetensors, encodeSafetensorsBytes } from "@reparam/safetensors";

/**
 * Splits one safetensors file into `n` shards `<stem>-0000i-of-0000n.safetensors`
 * (tensors dealt out in file order, about evenly) and writes the
 * `<stem>.safetensors.index.json` that maps them, as `huggingface_hub`'s
 * `save_torch_state_dict` does.
 *
 * @returns every file by name, the index included.
 */
export async function splitSafetensors(bytes: Uint8Array, n: number, stem: string): Promise<Map<string, Uint8Array>> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const pad = (i: number) => String(i).padStart(5, "0");
  const names = Array.from({ length: n }, (_, i) => `${stem}-${pad(i + 1)}-of-${pad(n)}.safetensors`);
  const files = new Map<string, Uint8Array>();
  const weightMap: Record<string, string> = {};
  const per = Math.ceil(file.tensors.length / n);
  for (let s = 0; s < n; s++) {
    const part = file.tensors.slice(s * per, (s + 1) * per);
    const entries = await Promise.all(
      part.map(async (t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: await file.readTensor(t.name) })),
    );
    files.set(names[s]!, await encodeSafetensorsBytes(entries, { metadata: file.metadata }));
    for (const t of part) weightMap[t.name] = names[s]!;
  }
  // As huggingface_hub writes it: json.dumps(index, indent=2, sort_keys=True) + "\n".
  const sorted = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const index = { metadata: { total_size: file.dataSize }, weight_map: sorted };
  files.set(`${stem}.safetensors.index.json`, encodeUtf8(`${JSON.stringify(index, null, 2)}\n`));
  return files;
}
