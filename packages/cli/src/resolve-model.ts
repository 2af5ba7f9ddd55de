import { open, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { ReparamError, type FormatAdapter } from "@reparam/core";
import { formats } from "./known-formats.js";

/** Where a model is and which adapter reads it. */
export interface ResolvedModel {
  /** The main file (for example `model.json` in a folder model, or the model file itself). */
  readonly file: string;
  /** True for models that are a folder of files (TF.js). */
  readonly folder: boolean;
  /** The format's `runtime` fact: the kind of runtime that runs its models (their whole-model check), if any. */
  readonly runtime: string | undefined;
  readonly adapter: FormatAdapter<unknown>;
}

// Enough for a TF.js JSON whose keys come in another order than the converter's ("convertedBy" first, pretty-printed): the marker is further in.
const HEAD_BYTES = 512;

/** Finds the main file of `input` (a file, or a TF.js folder with model.json) and its format. */
export async function resolveModel(input: string, format: string = "auto"): Promise<ResolvedModel> {
  let file = resolve(input);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined)
    throw new ReparamError("CLI_FILE_NOT_FOUND", "input not found", { where: file, hint: "check the path" });
  if (info.isDirectory()) file = await folderMainFile(file);
  const h = await open(file, "r");
  const head = new Uint8Array(HEAD_BYTES);
  const { bytesRead } = await h.read(head, 0, HEAD_BYTES, 0).finally(() => h.close());
  const name = basename(file);
  const known = formats.map((a) => a.format);
  const found =
    format === "auto"
      ? formats.find((a) => a.detect(name, head.subarray(0, bytesRead)))
      : formats.find((a) => a.format === format);
  if (found === undefined) {
    throw new ReparamError(
      "CLI_UNKNOWN_FORMAT",
      format === "auto" ? "cannot tell the model's format" : `unknown format '${format}'`,
      {
        where: file,
        expected: known.length > 0 ? `one of ${known.join(", ")}` : "a supported format",
        hint: "pass --format, or check that the file is a model",
      },
    );
  }
  return { file, folder: found.folder, runtime: found.runtime, adapter: await found.load() };
}

/** The main file of a folder model: the first folder format's `mainFile` that the folder holds. */
async function folderMainFile(folder: string): Promise<string> {
  const mains = formats.flatMap((f) => (f.folder && f.mainFile !== undefined ? [f.mainFile] : []));
  for (const main of mains) {
    if ((await stat(join(folder, main)).catch(() => undefined))?.isFile()) return join(folder, main);
  }
  throw new ReparamError("CLI_UNKNOWN_FORMAT", `a folder input must hold ${mains.join(" or ")}`, {
    where: folder,
    found: `no ${mains.join(" or ")}`,
  });
}

/**
 * True for a folder format's model whose main file is not the format's own
 * name (`NAME.json` rather than `model.json`): one of several models that
 * share a folder, so the model is its file (and what it refers to), not the folder.
 */
export function sharesFolder(model: ResolvedModel): boolean {
  return model.folder && basename(model.file) !== model.adapter.mainFile;
}

/** What the model is, as reported and as checked against the output: its folder, or its main file when it {@link sharesFolder} or is one file. */
export function modelPath(model: ResolvedModel): string {
  return model.folder && !sharesFolder(model) ? dirname(model.file) : model.file;
}

const SHARD_INDEX = ".safetensors.index.json";

/** True for a sharded state dict read through its index (`model.safetensors.index.json`). */
export function isShardIndex(model: ResolvedModel): boolean {
  return !model.folder && model.file.endsWith(SHARD_INDEX);
}

/**
 * The default output: `.deploy` before the extension; for a sharded state
 * dict's index a folder `<name>.deploy/` beside it holding the index and the
 * shards under their names; for folder models a
 * sibling `<folder>.deploy/`; for a model that {@link sharesFolder}
 * (`NAME.json` beside other models) a folder `NAME.deploy/` beside it, so
 * that the models of one folder never share an output.
 */
export function defaultOutput(model: ResolvedModel): string {
  if (isShardIndex(model)) {
    // Its output shards keep the input shards' names: beside them they would collide, so a folder of their own.
    const name = basename(model.file);
    return join(dirname(model.file), `${name.slice(0, name.length - SHARD_INDEX.length)}.deploy`);
  }
  if (sharesFolder(model)) {
    const name = basename(model.file);
    return join(dirname(model.file), `${name.slice(0, name.length - extname(name).length)}.deploy`);
  }
  if (model.folder) {
    const dir = dirname(model.file);
    return join(dirname(dir), `${basename(dir)}.deploy`);
  }
  const name = basename(model.file);
  const multi = formats.flatMap((f) => f.suffixes).find((e) => name.endsWith(e));
  const ext = multi ?? extname(name);
  return join(dirname(model.file), `${name.slice(0, name.length - ext.length)}.deploy${ext}`);
}
