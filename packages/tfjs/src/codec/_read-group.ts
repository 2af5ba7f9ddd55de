import type { ByteSource } from "@reparam/core";

// Reads in flight at once: lets the host overlap them (Node's file reads run
// on a thread pool of four) without holding more than a few pieces.
const PARALLEL = 4;

// What a weight of no bytes reads as.
const EMPTY = new Uint8Array(0);

/**
 * Reads a group's weights from its shards, as if the shards were one
 * concatenation, without ever holding a whole shard for nothing: the weights
 * that lie inside one shard are read together in one range and handed out as
 * views of it; a weight that straddles shards gets an array of its own size,
 * its pieces read (in parallel) and copied into place, or read straight into
 * place with `readInto`. The caller has checked that the shards hold exactly
 * `sum(lengths)` bytes.
 *
 * @param shards - the group's shards, in storage order.
 * @param lengths - stored byte length of each weight, in order.
 * @param read - reads a range of shard `k` (maps errors to the caller's codes).
 * @param readInto - optional: reads a range of shard `k` into `target` (same errors).
 * @param leave - optional: weights not to read (left in their shards; given no bytes here).
 * @returns each weight's bytes, in order.
 */
export async function readGroup(
  shards: readonly ByteSource[],
  lengths: readonly number[],
  read: (k: number, offset: number, length: number) => Promise<Uint8Array>,
  readInto?: (k: number, offset: number, target: Uint8Array) => Promise<void>,
  leave?: (w: number) => boolean,
): Promise<Uint8Array[]> {
  const ends: number[] = [];
  let size = 0;
  for (const s of shards) ends.push((size += s.size));
  const out: Uint8Array[] = lengths.map(() => EMPTY);
  const tasks: (() => Promise<void>)[] = [];
  // A run: weights [first, last] inside shard k, bytes [from, to) of the group.
  let run: { k: number; from: number; to: number; first: number; last: number } | undefined;
  const flush = (): void => {
    if (run === undefined) return;
    const { k, from, to, first, last } = run;
    const start = k === 0 ? 0 : ends[k - 1]!;
    tasks.push(async () => {
      const bytes = await read(k, from - start, to - from);
      for (let w = first, at = 0; w <= last; w++) out[w] = bytes.subarray(at, (at += lengths[w]!));
    });
    run = undefined;
  };
  let offset = 0;
  let k = 0;
  for (const [w, length] of lengths.entries()) {
    const from = offset;
    offset += length;
    if (length === 0) continue;
    if (leave?.(w) === true) {
      flush(); // a weight left in its shard ends the run before it
      continue;
    }
    while (ends[k]! <= from) k++; // skips empty shards too
    if (offset <= ends[k]!) {
      if (run?.k !== k) flush();
      run ??= { k, from, to: from, first: w, last: w };
      run.to = offset;
      run.last = w;
      continue;
    }
    flush();
    // A weight across shards: an array of its own, its pieces read into place.
    const bytes = new Uint8Array(length);
    out[w] = bytes;
    tasks.push(async () => void (await readGroupRange(shards, from, length, read, readInto, bytes)));
  }
  flush();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      try {
        await tasks[next++]!();
      } catch (e) {
        next = tasks.length; // the first failure stops every worker
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, tasks.length) }, worker));
  return out;
}

/**
 * Reads bytes [from, from + length) of a group (its shards as one
 * concatenation), across shard boundaries when needed: into `target`
 * (exactly `length` bytes, through `readInto` when given) or, for a range
 * inside one shard, as `read` gives it.
 */
export async function readGroupRange(
  shards: readonly ByteSource[],
  from: number,
  length: number,
  read: (k: number, offset: number, length: number) => Promise<Uint8Array>,
  readInto?: (k: number, offset: number, target: Uint8Array) => Promise<void>,
  target?: Uint8Array,
): Promise<Uint8Array> {
  let start = 0;
  let k = 0;
  while (k < shards.length && start + shards[k]!.size <= from) start += shards[k++]!.size;
  if (target === undefined && k < shards.length && from + length <= start + shards[k]!.size)
    return read(k, from - start, length);
  const out = target ?? new Uint8Array(length);
  for (let at = from; at < from + length && k < shards.length; k++) {
    const n = Math.min(start + shards[k]!.size, from + length) - at;
    if (n > 0) {
      const piece = out.subarray(at - from, at - from + n);
      if (readInto === undefined) piece.set(await read(k, at - start, n));
      else await readInto(k, at - start, piece);
    }
    at += n;
    start += shards[k]!.size;
  }
  return out;
}
