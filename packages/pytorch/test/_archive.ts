import { collectSink, encodeUtf8 } from "@reparam/core";
import type { PyValue } from "../src/index.js";
import { encodePickle } from "../src/write/encode-pickle.js";
import { ZipWriter } from "../src/write/zip-writer.js";

/** A `torch.save` zip archive made by hand: `value` pickled as `archive/data.pkl`, each storage's bytes as `archive/data/<key>`. */
export async function archive(value: PyValue, storages: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const sink = collectSink();
  const zip = new ZipWriter(sink);
  await zip.add(
    "archive/data.pkl",
    encodePickle(value, (t) => t),
  );
  await zip.add("archive/byteorder", encodeUtf8("little"));
  for (const [key, bytes] of storages) await zip.add(`archive/data/${key}`, bytes);
  await zip.add("archive/version", encodeUtf8("3\n"));
  await zip.finish();
  return sink.bytes();
}

/** The same with `pickle` as the raw bytes of `data.pkl` (a crafted, possibly malicious pickle). */
export async function archiveOfPickle(pickle: Uint8Array): Promise<Uint8Array> {
  const sink = collectSink();
  const zip = new ZipWriter(sink);
  await zip.add("archive/data.pkl", pickle);
  await zip.add("archive/version", encodeUtf8("3\n"));
  await zip.finish();
  return sink.bytes();
}
