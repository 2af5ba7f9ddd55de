import { type ByteSink, decodeUtf8 } from "@reparam/core";
import type { ZipWriter } from "./zip-writer.js";

/** A tensor of the state dict as the safetensors writer laid it out, and the archive entry its bytes went to. */
export interface TranscodedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Storage key in the archive (`<archive>/data/<key>`). */
  readonly key: string;
}

/**
 * A sink that takes a safetensors stream (as the safetensors writer emits
 * it: the header, then each tensor's bytes in data order) and writes each
 * tensor as a stored entry `<prefix><key>` of the zip archive, keys
 * numbered from `firstKey` in data order, never holding more than a chunk.
 */
export function safetensorsToZip(zip: ZipWriter, prefix: string, firstKey: number) {
  const tensors: TranscodedTensor[] = [];
  let spans: { begin: number; end: number }[] = [];
  let head = new Uint8Array(0);
  let headerEnd = -1;
  let pos = 0; // bytes of the data section received
  let next = 0; // tensor whose entry is open or to open
  let open = false;
  // Opens and closes entries up to data position `at` (empty tensors included).
  const advance = async (at: number) => {
    while (next < spans.length) {
      const s = spans[next]!;
      if (!open && s.begin <= at) {
        await zip.begin(prefix + tensors[next]!.key, s.end - s.begin);
        open = true;
      }
      if (open && s.end <= at) {
        await zip.end();
        open = false;
        next++;
        continue;
      }
      return;
    }
  };
  const header = (bytes: Uint8Array) => {
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    if (bytes.byteLength < 8 + n) return false;
    headerEnd = 8 + n;
    const json = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + n))) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    >;
    const list = Object.entries(json).filter(([k]) => k !== "__metadata__");
    list.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1]);
    spans = list.map(([, t]) => ({ begin: t.data_offsets[0], end: t.data_offsets[1] }));
    list.forEach(([name, t], i) => tensors.push({ name, dtype: t.dtype, shape: t.shape, key: String(firstKey + i) }));
    return true;
  };
  const sink: ByteSink & { close(): Promise<void> } = {
    async write(chunk) {
      let data = chunk;
      if (headerEnd < 0) {
        const all = new Uint8Array(head.byteLength + chunk.byteLength);
        all.set(head);
        all.set(chunk, head.byteLength);
        if (all.byteLength < 8 || !header(all)) {
          head = all;
          return;
        }
        data = all.subarray(headerEnd);
        head = new Uint8Array(0);
        await advance(0);
      }
      while (data.byteLength > 0) {
        const s = spans[next]!;
        const take = Math.min(data.byteLength, s.end - pos);
        await zip.data(data.subarray(0, take));
        pos += take;
        data = data.subarray(take);
        await advance(pos);
      }
    },
    async close() {
      await advance(pos);
    },
  };
  return { sink, tensors };
}
