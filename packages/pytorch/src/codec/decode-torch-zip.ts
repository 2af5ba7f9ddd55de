import { type ByteSource, ReparamError, decodeUtf8Strict } from "@reparam/core";
import { storageHost } from "./_storage-host.js";
import { runPickle } from "./pickle/run-pickle.js";
import { MAX_PICKLE_BYTES, type TorchFile } from "./torch-file.js";
import { TORCH_DTYPES } from "./torch-dtype.js";
import { badZip, readChecked } from "./zip/_zip-fields.js";
import { entryDataOffset, readZipDirectory } from "./zip/read-zip-directory.js";
import type { ZipEntry } from "./zip/zip-entry.js";

function stored(entry: ZipEntry, where: string): void {
  if (entry.method !== 0 || (entry.flags & 1) !== 0 || entry.compressedSize !== entry.size)
    throw new ReparamError("PYTORCH_COMPRESSED_ENTRY", "an archive entry is compressed or encrypted", {
      where: `${where} ${JSON.stringify(entry.name)}`,
      expected: "stored entries, as torch.save writes them",
      found: `method ${entry.method}, flags ${entry.flags}`,
    });
}

async function entryBytes(source: ByteSource, entry: ZipEntry, where: string, max: number): Promise<Uint8Array> {
  stored(entry, where);
  if (entry.size > max)
    throw new ReparamError("PYTORCH_TOO_LARGE", "an archive record is larger than this reader takes", {
      where: `${where} ${JSON.stringify(entry.name)}`,
      expected: `at most ${max} bytes`,
      found: `${entry.size}`,
    });
  return readChecked(source, await entryDataOffset(source, entry, where), entry.size, `${where} ${entry.name}`);
}

/**
 * Decodes the zip layout of `torch.save`: `<name>/data.pkl` (the pickle,
 * run by the restricted VM), `<name>/byteorder`, `<name>/data/<key>` (one
 * stored entry per storage, read later by offset), `<name>/version`. Reads
 * the directory, the pickle and each storage's local header only.
 *
 * @throws ReparamError `PYTORCH_BAD_ZIP`, `PYTORCH_COMPRESSED_ENTRY`,
 *   `PYTORCH_BAD_STORAGE`, `PYTORCH_UNSUPPORTED` (big-endian data), the VM's errors.
 */
export async function decodeTorchZip(source: ByteSource, where: string): Promise<TorchFile> {
  const entries = await readZipDirectory(source, where);
  const pickles = entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (pickles.length !== 1)
    throw badZip("not one data.pkl in the archive", where, "one <name>/data.pkl", `${pickles.length}`);
  const prefix = pickles[0]!.name.slice(0, -"data.pkl".length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const text = async (name: string) => {
    const e = byName.get(prefix + name);
    if (e === undefined) return undefined;
    const value = decodeUtf8Strict(await entryBytes(source, e, where, 64));
    if (value === undefined)
      throw badZip("a text record is not UTF-8", `${where} ${e.name}`, "UTF-8 text", "other bytes");
    return value.trim();
  };
  const order = await text("byteorder");
  if (order !== undefined && order !== "little")
    throw new ReparamError("PYTORCH_UNSUPPORTED", "tensor data that is not little-endian", {
      where: `${where} ${prefix}byteorder`,
      expected: "little",
      found: JSON.stringify(order),
    });
  const pkl = await entryBytes(source, pickles[0]!, where, MAX_PICKLE_BYTES);
  const host = storageHost();
  const { value, end } = runPickle(pkl, 0, host, `${where} ${pickles[0]!.name}`);
  if (end !== pkl.byteLength)
    throw new ReparamError("PYTORCH_BAD_PICKLE", "bytes after the pickle's STOP", {
      where: `${where} ${pickles[0]!.name}`,
      expected: `${end} bytes`,
      found: `${pkl.byteLength}`,
    });
  const storageOffsets = new Map<string, number>();
  for (const s of host.storages.values()) {
    const entry = byName.get(`${prefix}data/${s.key}`);
    const at = `${where} storage ${JSON.stringify(s.key)}`;
    const bytes = s.numel * TORCH_DTYPES[s.dtype].size;
    if (entry === undefined || entry.size < bytes)
      throw new ReparamError("PYTORCH_BAD_STORAGE", "the archive does not hold a storage the pickle names", {
        where: at,
        expected: `entry ${prefix}data/${s.key} of at least ${bytes} bytes`,
        found: entry === undefined ? "no such entry" : `${entry.size} bytes`,
      });
    stored(entry, where);
    storageOffsets.set(s.key, await entryDataOffset(source, entry, at));
  }
  const version = (await text("version")) ?? (await text(".data/version"));
  const details = { archive: prefix.slice(0, -1), ...(version === undefined ? {} : { version }) };
  return { layout: "zip", root: value, storages: host.storages, storageOffsets, details };
}
