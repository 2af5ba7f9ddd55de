/**
 * Random access to bytes that may not all be in memory: a `Uint8Array` in
 * the browser, a file handle in Node (supplied by the CLI). Adapters read
 * headers and tensors through this, one piece at a time.
 */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes starting at `offset`. Callers check the range
   * against `size` first; implementations may throw on a range past the end.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads `target.byteLength` bytes starting at `offset` straight
   * into `target`, so that a caller assembling a larger buffer needs no copy
   * (the CLI's files read into it directly). Same range rules as `read`.
   */
  readInto?(offset: number, target: Uint8Array): Promise<void>;
}

/** A {@link ByteSource} over bytes already in memory (no copy: returns views). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        return Promise.reject(new RangeError(`read ${offset}+${length} past end ${bytes.byteLength}`));
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
    readInto(offset, target) {
      const length = target.byteLength;
      if (offset < 0 || offset + length > bytes.byteLength)
        return Promise.reject(new RangeError(`read ${offset}+${length} past end ${bytes.byteLength}`));
      target.set(bytes.subarray(offset, offset + length));
      return Promise.resolve();
    },
  };
}

/**
 * Where converted bytes go, piece by piece, so that a large output never has
 * to be held whole. The CLI writes to a temporary file and renames it on
 * success; in memory, {@link collectSink} gathers the pieces.
 */
export interface ByteSink {
  /**
   * Queues a chunk. The sink may keep a reference to it after the promise
   * resolves (to write it later): never modify a chunk once written.
   */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Resolves once the sink holds no reference to any chunk written before
   * the call (a file sink: all handed to the OS), so that a writer may fill
   * those chunks' memory again. Absent: chunks are kept (an in-memory sink),
   * never reuse them.
   */
  flushed?(): Promise<void>;
}

/** An in-memory {@link ByteSink}; `bytes()` concatenates what was written. */
export function collectSink(): ByteSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    write(chunk) {
      chunks.push(chunk); // no copy: a written chunk is never modified (see ByteSink)
      return Promise.resolve();
    },
    bytes() {
      let n = 0;
      for (const c of chunks) n += c.byteLength;
      const out = new Uint8Array(n);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.byteLength;
      }
      return out;
    },
  };
}
