import { type ByteSource, ReparamError, isReparamError } from "@reparam/core";
import { storageHost } from "./_storage-host.js";
import { PyDict, type PyValue } from "./pickle/py-value.js";
import { type PickleHost, runPickle } from "./pickle/run-pickle.js";
import { MAX_PICKLE_BYTES, type TorchFile } from "./torch-file.js";
import { TORCH_DTYPES } from "./torch-dtype.js";
import { fields, readChecked } from "./zip/_zip-fields.js";

/** `torch.serialization.MAGIC_NUMBER`. */
const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL = 1001n;
const noIds: PickleHost = {
  persistentLoad(_pid, where) {
    throw new ReparamError("PYTORCH_BAD_PICKLE", "a persistent id in a header pickle", { where });
  },
};

function bad(message: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("PYTORCH_NOT_A_CHECKPOINT", message, { where, expected, found });
}

/**
 * Runs the pickles at the start of the file on a window of its bytes,
 * doubling the window while a pickle runs past it (the main pickle's length
 * is not stored): the storages that follow are never read here.
 */
async function headerPickles(source: ByteSource, where: string, host: PickleHost) {
  for (let window = Math.min(source.size, 1 << 20); ; window = Math.min(source.size, window * 2)) {
    const bytes = await readChecked(source, 0, window, where);
    try {
      const values: PyValue[] = [];
      let at = 0;
      for (let i = 0; i < 5; i++) {
        const r = runPickle(bytes, at, i === 3 ? host : noIds, `${where} pickle ${i + 1}`);
        values.push(r.value);
        at = r.end;
        if (i === 0 && r.value !== MAGIC)
          throw bad("not a torch.save file", where, "the legacy magic number", "another value");
      }
      return { values, end: at };
    } catch (e) {
      const more = window < source.size && window < MAX_PICKLE_BYTES;
      if (!(isReparamError(e) && e.code === "PYTORCH_TRUNCATED" && more)) throw e;
    }
  }
}

/**
 * Decodes the legacy layout of `torch.save` (`_use_new_zipfile_serialization=False`):
 * pickles of the magic number, the protocol version (1001), the system info
 * (byte order, type sizes), the value (storages as persistent ids), the
 * sorted list of storage keys; then each storage in that order as a u64
 * element count and its bytes. Reads the pickles and 8 bytes per storage.
 *
 * @throws ReparamError `PYTORCH_NOT_A_CHECKPOINT`, `PYTORCH_UNSUPPORTED`
 *   (big-endian), `PYTORCH_BAD_STORAGE`, `PYTORCH_TRUNCATED`, the VM's errors.
 */
export async function decodeTorchLegacy(source: ByteSource, where: string): Promise<TorchFile> {
  const host = storageHost();
  const { values, end } = await headerPickles(source, where, host);
  const [, protocol, sysInfo, root, keys] = values;
  if (protocol !== PROTOCOL) throw bad("an unknown legacy protocol", where, "1001", String(protocol));
  if (!(sysInfo instanceof PyDict) || sysInfo.map.get("little_endian") !== true)
    throw new ReparamError("PYTORCH_UNSUPPORTED", "tensor data that is not little-endian", {
      where: `${where} sys_info`,
      expected: "little_endian True",
      found: String(sysInfo instanceof PyDict ? sysInfo.map.get("little_endian") : sysInfo),
    });
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string"))
    throw new ReparamError("PYTORCH_BAD_PICKLE", "the storage key list is not a list of strings", { where });
  const storageOffsets = new Map<string, number>();
  let at = end;
  for (const key of keys as string[]) {
    const s = host.storages.get(key);
    const label = `${where} storage ${JSON.stringify(key)}`;
    const numel = fields(await readChecked(source, at, 8, label)).u64(0);
    if (s === undefined || numel !== s.numel || storageOffsets.has(key))
      throw new ReparamError("PYTORCH_BAD_STORAGE", "a stored storage that the pickle does not name as such", {
        where: `${label} at byte ${at}`,
        expected: s === undefined ? "a key the pickle names" : `${s.numel} elements, once`,
        found: `${numel} elements${storageOffsets.has(key) ? ", twice" : ""}`,
      });
    storageOffsets.set(key, at + 8);
    at += 8 + numel * TORCH_DTYPES[s.dtype].size;
    await readChecked(source, at - (numel === 0 ? 0 : 1), numel === 0 ? 0 : 1, label);
  }
  const missing = [...host.storages.keys()].find((k) => !storageOffsets.has(k));
  if (missing !== undefined)
    throw new ReparamError("PYTORCH_BAD_STORAGE", "the file does not hold a storage the pickle names", {
      where: `${where} storage ${JSON.stringify(missing)}`,
      expected: "its bytes after the pickles",
      found: "none",
    });
  return {
    layout: "legacy",
    root: root ?? null,
    storages: host.storages,
    storageOffsets,
    details: { protocol: "1001" },
  };
}
