/**
 * Access to the files next to a model, supplied by the caller: the CLI
 * implements it over the model's folder with `fs`, a browser over files the
 * user picked. `location` has already been checked by
 * {@link checkExternalLocation} (relative, no `..`, forward slashes only);
 * an implementation must still refuse to follow a symbolic link out of the
 * folder.
 */
export interface ExternalDataFiles {
  /**
   * Reads bytes of the file at `location` (relative to the model's folder).
   *
   * @param location - a checked relative path, `/`-separated
   * @param offset - first byte to read, >= 0
   * @param length - bytes to read, or `undefined` for everything up to the end
   *   of the file
   * @returns the bytes read: fewer than `length` when the file ends first
   *   (the caller reports `ONNX_EXTERNAL_TRUNCATED`), never more
   */
  read(location: string, offset: number, length: number | undefined): Promise<Uint8Array>;
}
