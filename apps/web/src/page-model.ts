import type { NamedBlob } from "./file-set-input.js";

/** A model as the page's runtimes open it: its main file and the files beside it (external data, shards). */
export interface PageModel {
  /** For reports: `original` or `converted` and the main file's name. */
  readonly label: string;
  readonly main: NamedBlob;
  readonly files: readonly NamedBlob[];
  /** The main file's bytes when they are already in memory (a block's check model), so that no copy is made. */
  readonly bytes?: Uint8Array;
}

/** A whole model's bytes, read from its `Blob` when a runtime needs them. */
export async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}
