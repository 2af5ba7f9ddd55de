import type { SafetensorsFile } from "./decode-safetensors.js";
import type { SafetensorsIndex } from "./decode-safetensors-index.js";
import type { TensorInfo } from "./tensor-info.js";

/** One file of a state dict: the only one, or a shard of a sharded checkpoint. */
export interface SafetensorsShard {
  /** File name (the input's name for a single file, the index's name for a shard). */
  readonly file: string;
  readonly content: SafetensorsFile;
}

/**
 * A decoded state dict, single-file or sharded, whose tensor bytes stay in
 * their files until read (headers only are in memory).
 */
export interface SafetensorsModel {
  /** Name of the main input file. */
  readonly name: string;
  /** The `*.safetensors.index.json` of a sharded checkpoint, undefined for a single file. */
  readonly index: SafetensorsIndex | undefined;
  /** The files, in index order. */
  readonly shards: readonly SafetensorsShard[];
  /** Every tensor of every shard, by name, in shard then data order. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** The file that holds tensor `name`. */
  shardOf(name: string): SafetensorsShard;
  /** Reads one tensor's bytes (little-endian, packed; may be a view: do not mutate). */
  read(name: string): Promise<Uint8Array>;
  /**
   * Reads bytes `[start, end)` of one tensor (some rows of a kernel): into
   * `into` (its first end - start bytes, returned) where the source can
   * fill a caller's buffer, else into a fresh one.
   */
  readRange(name: string, start: number, end: number, into?: Uint8Array): Promise<Uint8Array>;
}
