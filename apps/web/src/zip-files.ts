import { Zip, ZipPassThrough } from "fflate";
import type { NamedBlob } from "./file-set-input.js";

/** Bytes read from a file at a time while zipping. */
const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * One zip (stored, no compression: weights barely compress) of several
 * files, streamed: each file is read by slices and the archive comes out
 * as `Blob` parts, so no file is held whole. fflate writes no zip64, so the
 * archive must stay under 4 GiB.
 */
export async function zipFiles(files: readonly NamedBlob[]): Promise<Blob> {
  const parts: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  let failure: Error | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else {
      pending.push(chunk as Uint8Array<ArrayBuffer>);
      pendingBytes += chunk.byteLength;
    }
    // Into a Blob part once a slice's worth is pending, so that the heap holds about one slice.
    if (final || pendingBytes >= SLICE_BYTES) {
      parts.push(new Blob(pending));
      pending = [];
      pendingBytes = 0;
    }
  });
  for (const f of files) {
    const entry = new ZipPassThrough(f.path);
    zip.add(entry);
    for (let at = 0; at < f.blob.size; at += SLICE_BYTES) {
      const slice = new Uint8Array(await f.blob.slice(at, at + SLICE_BYTES).arrayBuffer());
      entry.push(slice, at + SLICE_BYTES >= f.blob.size);
    }
    if (f.blob.size === 0) entry.push(new Uint8Array(0), true);
  }
  zip.end();
  if (failure !== null) throw failure;
  return new Blob(parts, { type: "application/zip" });
}
