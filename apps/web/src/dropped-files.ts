import type { NamedBlob } from "./file-set-input.js";

/** Minimal shape of the File System entries a drop carries (Chromium, Firefox, Safari: `webkitGetAsEntry`). */
interface Entry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: Entry[]) => void, fail: (e: unknown) => void): void };
}

async function walk(entry: Entry, prefix: string, out: NamedBlob[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ path: `${prefix}${entry.name}`, blob: file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, `${prefix}${entry.name}/`, out);
    }
  }
}

/** The files of a drop, folders walked (a dropped TF.js folder gives `web_model/model.json`, ...). */
export async function droppedFiles(data: DataTransfer): Promise<NamedBlob[]> {
  const entries = [...data.items].flatMap((item) => {
    const e = (item as { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.();
    return e ? [e] : [];
  });
  if (entries.length === 0) return pickedFiles(data.files);
  const out: NamedBlob[] = [];
  for (const e of entries) await walk(e, "", out);
  return out;
}

/** The files of a file input (a folder picked with `webkitdirectory` keeps its relative paths). */
export function pickedFiles(list: FileList | null): NamedBlob[] {
  return [...(list ?? [])].map((f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}
