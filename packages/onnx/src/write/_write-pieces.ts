import type { ByteSink } from "@reparam/core";
import { pendingBytes, type PendingData } from "./_pending-data.js";

/**
 * Writes bytes and pending bytes to `sink` in order. Each pending piece is
 * made while the write before it is still under way (a sink's write may
 * wait for its queue to drain), so that making and writing overlap; at most
 * two pieces are held at once.
 */
export async function writePieces(
  sink: ByteSink,
  pieces: Iterable<Uint8Array | PendingData>,
  where: string,
): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  for (const p of pieces) {
    const bytes = p instanceof Uint8Array ? p : await pendingBytes(p, where);
    await writing;
    writing = sink.write(bytes);
    writing.catch(() => undefined); // awaited below; this only keeps a failed write from counting as unhandled while the next piece is made
  }
  await writing;
}
