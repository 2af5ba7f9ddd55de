import type { ByteSink } from "@reparam/core";
import { pendingBytes, type PendingData } from "./_pending-data.js";

/**
 * Writes bytes and pending bytes to `sink` in order. Each pending piece is
 * made while the write before it is still under way (a sink's write may
 * wait for its queue to drain), so that making and writing overlap; at most
 * two pieces are held at once. With a sink that says when it has let go of
 * its chunks (`flushed`), a pending piece is told so (`done`) before the
 * piece after next is made: its memory can hold that one.
 */
export async function writePieces(
  sink: ByteSink,
  pieces: Iterable<Uint8Array | PendingData>,
  where: string,
): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let last: { readonly piece: PendingData; readonly bytes: Uint8Array } | undefined;
  const release = async () => {
    if (last === undefined || last.piece.done === undefined || sink.flushed === undefined) return;
    await sink.flushed();
    last.piece.done(last.bytes);
    last = undefined;
  };
  for (const p of pieces) {
    const bytes = p instanceof Uint8Array ? p : await pendingBytes(p, where);
    await writing;
    await release();
    writing = sink.write(bytes);
    writing.catch(() => undefined); // awaited below; this only keeps a failed write from counting as unhandled while the next piece is made
    last = p instanceof Uint8Array ? undefined : { piece: p, bytes };
  }
  await writing;
  await release();
}
