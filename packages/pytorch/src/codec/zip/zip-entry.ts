/** One entry of a zip archive's central directory. */
export interface ZipEntry {
  /** The name, verbatim (UTF-8). */
  readonly name: string;
  /** 0: stored; anything else is compressed. */
  readonly method: number;
  /** General-purpose flags (bit 0: encrypted). */
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the entry's local file header. */
  readonly localHeaderOffset: number;
}
