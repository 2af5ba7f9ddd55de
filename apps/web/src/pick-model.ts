import type { FormatAdapter } from "@reparam/core";
import { adapters } from "./adapters.js";
import { baseName, type NamedBlob } from "./file-set-input.js";
import { webError } from "./web-error.js";

/** Bytes of a file's head that adapters' `detect` look at. */
const HEAD_BYTES = 64;

/** A model found among the files given: its main file and the adapter that reads it. */
export interface PickedModel {
  readonly adapter: FormatAdapter<unknown>;
  readonly main: NamedBlob;
  readonly files: readonly NamedBlob[];
}

/** True when `name` is the name a format gives its main file (`mainFile`, or one of its long `suffixes`). */
function isMainName(adapter: FormatAdapter<unknown>, name: string): boolean {
  return name === adapter.mainFile || adapter.suffixes.some((s) => name.endsWith(s));
}

/**
 * Finds the model among several files: each file goes to the first adapter
 * whose `detect` accepts it; among the files detected, the main one is the
 * one named as its format names main files (`model.json`, an index), else
 * the only one. Shards and external data are the files beside it.
 */
export async function pickModel(files: readonly NamedBlob[]): Promise<PickedModel> {
  if (files.length === 0) throw webError("WEB_NO_FILES", "no file was given", { hint: "pick or drop a model" });
  const detected: { file: NamedBlob; adapter: FormatAdapter<unknown> }[] = [];
  for (const file of files) {
    const head = new Uint8Array(await file.blob.slice(0, HEAD_BYTES).arrayBuffer());
    const adapter = adapters.find((a) => a.detect(baseName(file.path), head));
    if (adapter !== undefined) detected.push({ file, adapter });
  }
  const named = detected.filter((d) => isMainName(d.adapter, baseName(d.file.path)));
  const mains = named.length > 0 ? named : detected;
  if (mains.length === 0)
    throw webError("WEB_UNKNOWN_FORMAT", "cannot tell the model's format", {
      where: files.map((f) => f.path).join(", "),
      expected: `one of ${adapters.map((a) => a.format).join(", ")}`,
    });
  if (mains.length > 1)
    throw webError("WEB_SEVERAL_MODELS", "the files hold more than one model", {
      found: mains.map((m) => `${m.file.path} (${m.adapter.format})`).join(", "),
      hint: "give one model at a time",
    });
  const { file, adapter } = mains[0]!;
  return { adapter, main: file, files: files.filter((f) => f !== file) };
}

/** A file name split before its extension; a format's long suffix (`.safetensors.index.json`) counts as one. */
function splitName(adapter: FormatAdapter<unknown>, name: string): [stem: string, ext: string] {
  const dot = name.lastIndexOf(".");
  const ext = adapter.suffixes.find((s) => name.endsWith(s)) ?? (dot > 0 ? name.slice(dot) : "");
  return [name.slice(0, name.length - ext.length), ext];
}

/**
 * The name of the converted main file: `.deploy` before the extension, or
 * the format's `mainFile` for folder formats (the folder is the zip).
 */
export function deployName(adapter: FormatAdapter<unknown>, mainName: string): string {
  if (adapter.folder && adapter.mainFile !== undefined) return adapter.mainFile;
  const [stem, ext] = splitName(adapter, mainName);
  return `${stem}.deploy${ext}`;
}

/** The name of the zip that holds a conversion's several files: `<stem>.deploy.zip`. */
export function zipName(adapter: FormatAdapter<unknown>, mainName: string): string {
  return `${splitName(adapter, mainName)[0]}.deploy.zip`;
}
