import type { ByteSink, ModelOutput } from "@reparam/core";
import { checkedBytes, storedBytes, type ShardLayout, type ShardWeight } from "../write/_shard-layout.js";
import { weightBytes } from "./lazy-weight.js";

// Shard files whose writes may still be in flight while the next weight is
// computed (bounds the memory held by pending writes, about 4 MB each), and
// files created ahead of their turn.
const IN_FLIGHT = 8;

type Sink = ByteSink & { close(): Promise<void> };

/**
 * Writes weights into the shards of a {@link shardLayout} on `output`,
 * byte for byte what {@link encodeWeights} would make, without ever holding
 * the shards: each weight is handed to the files it spans as views of its own
 * bytes, and a {@link FusedTfjsWeight} is computed only when its turn comes
 * and released once every file holding a piece of it is closed (a sink may
 * keep a chunk until then). Files are created in order and closed once full.
 * Writes to one file are issued one after another; the next weight is
 * computed while earlier files are still being written (a few at most), and
 * the next file is created before it is needed.
 *
 * @returns the number of bytes written.
 * @throws ReparamError `TFJS_BAD_WEIGHT` when a weight's bytes do not match
 *   the layout, and whatever `output` or a weight's computation throws.
 */
export async function streamShards(
  weights: readonly ShardWeight[],
  layout: ShardLayout,
  output: ModelOutput,
): Promise<number> {
  const paths = layout.manifest[0]!.paths;
  const closed: Promise<void>[] = []; // per shard, once finished
  const unfinished: Promise<void>[] = []; // closes not waited for yet, oldest first
  const releases = new Map<number, { from: number; release: () => void }[]>(); // by last shard
  let failure: { error: unknown } | undefined;
  const watch = (p: Promise<void>): Promise<void> => {
    // Keep the rejection for later, and stop early: nothing may wait on this promise yet.
    p.catch((error: unknown) => void (failure ??= { error }));
    return p;
  };
  let sink: Sink | undefined;
  // The next files are created before they are needed: creating one waits for
  // a free I/O thread of the host, which pending writes may hold for a while.
  const ahead: Promise<Sink>[] = [];
  const createUpTo = (end: number): void => {
    for (let k = closed.length + ahead.length; k < Math.min(end, paths.length); k++) {
      const p = output.create(paths[k]!);
      p.catch(() => undefined); // a rejection surfaces where the sink is awaited
      ahead.push(p);
    }
  };
  let chain: Promise<void> = Promise.resolve();
  let room = 0;
  let written = 0;
  const finish = (): void => {
    if (sink === undefined) return;
    const done = sink;
    const k = closed.length;
    const p = watch(chain.then(() => done.close()));
    closed.push(p);
    unfinished.push(p);
    for (const { from, release } of releases.get(k) ?? [])
      void Promise.all(closed.slice(from)).then(release, () => undefined);
    releases.delete(k);
  };
  for (const [i, w] of weights.entries()) {
    if (failure !== undefined) break;
    const stored = "compute" in w ? await w.compute() : "values" in w ? storedBytes(w) : await weightBytes(w);
    const bytes = checkedBytes(w, stored, layout, i);
    const first = room > 0 || sink === undefined ? closed.length : closed.length + 1; // shard of the first piece
    let at = 0;
    while (at < bytes.byteLength) {
      if (room === 0) {
        finish();
        if (unfinished.length >= IN_FLIGHT) await unfinished.shift();
        const k = closed.length;
        createUpTo(k + 1 + IN_FLIGHT);
        sink = await ahead.shift()!;
        chain = Promise.resolve();
        room = Math.min(layout.shardBytes, layout.total - k * layout.shardBytes);
      }
      const n = Math.min(room, bytes.byteLength - at);
      const piece = bytes.subarray(at, at + n);
      const to = sink!;
      chain = watch(chain.then(() => to.write(piece)));
      room -= n;
      at += n;
      written += n;
    }
    if (!("release" in w)) continue;
    if (bytes.byteLength === 0) w.release();
    else
      releases.set(closed.length, [
        ...(releases.get(closed.length) ?? []),
        { from: first, release: () => w.release() },
      ]);
  }
  finish();
  await Promise.all(unfinished);
  if (failure !== undefined) throw failure.error;
  return written;
}
