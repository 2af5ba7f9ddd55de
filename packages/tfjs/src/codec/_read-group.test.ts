import { bytesSource, type ByteSource } from "@reparam/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readGroup } from "./_read-group.js";

/** Shards over `bytes` cut at `cuts`, recording every ranged read as [shard, offset, length]. */
function shardsOf(
  bytes: Uint8Array,
  cuts: readonly number[],
): {
  shards: ByteSource[];
  reads: [number, number, number][];
  read: (k: number, o: number, n: number) => Promise<Uint8Array>;
} {
  const edges = [0, ...cuts, bytes.byteLength];
  const shards = edges.slice(1).map((end, k) => bytesSource(bytes.slice(edges[k]!, end)));
  const reads: [number, number, number][] = [];
  return { shards, reads, read: (k, o, n) => (reads.push([k, o, n]), shards[k]!.read(o, n)) };
}

const ramp = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, k) => k % 251);

describe("readGroup", () => {
  it("reads the weights inside a shard in one range, as views; a straddling weight piece by piece", async () => {
    // shard 0: bytes 0-9, shard 1: 10-19. Weights: [0,4) [4,8) inside shard 0, [8,14) straddles, [14,20) inside shard 1.
    const bytes = ramp(20);
    const { shards, reads, read } = shardsOf(bytes, [10]);
    const out = await readGroup(shards, [4, 4, 6, 6], read);
    expect(out).toEqual([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8, 14), bytes.subarray(14, 20)]);
    expect(reads.sort()).toEqual([
      [0, 0, 8],
      [0, 8, 2],
      [1, 0, 4],
      [1, 4, 6],
    ]);
    expect(out[1]!.buffer).toBe(out[0]!.buffer); // one read, two views
  });

  it("skips empty shards and gives zero-length weights no read", async () => {
    const bytes = ramp(12);
    const { shards, reads, read } = shardsOf(bytes, [0, 0, 5, 5, 12]);
    const out = await readGroup(shards, [0, 3, 0, 9, 0], read);
    expect(out.map((b) => [...b])).toEqual([[], [...bytes.subarray(0, 3)], [], [...bytes.subarray(3, 12)], []]);
    expect(reads.every(([k]) => shards[k]!.size > 0)).toBe(true);
  });

  it("reads a straddling weight's pieces straight into its array with readInto (no ranged read, same bytes)", async () => {
    const bytes = ramp(20);
    const { shards, reads, read } = shardsOf(bytes, [10]);
    const into: [number, number, number][] = [];
    const readInto = (k: number, o: number, target: Uint8Array) => (
      into.push([k, o, target.byteLength]), shards[k]!.readInto!(o, target)
    );
    const out = await readGroup(shards, [4, 4, 6, 6], read, readInto);
    expect(out).toEqual([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8, 14), bytes.subarray(14, 20)]);
    expect(into.sort()).toEqual([
      [0, 8, 2],
      [1, 0, 4],
    ]);
    expect(reads.sort()).toEqual([
      [0, 0, 8],
      [1, 4, 6],
    ]);
  });

  it("gives every weight its bytes for any cut of the shards, with or without readInto (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(40), { maxLength: 12 }),
        fc.array(fc.nat(300), { maxLength: 8 }),
        fc.boolean(),
        async (lengths, rawCuts, direct) => {
          const total = lengths.reduce((a, b) => a + b, 0);
          const bytes = ramp(total);
          const { shards, read } = shardsOf(
            bytes,
            rawCuts.map((c) => c % (total + 1)).sort((a, b) => a - b),
          );
          const readInto = (k: number, o: number, target: Uint8Array) => shards[k]!.readInto!(o, target);
          const out = await readGroup(shards, lengths, read, direct ? readInto : undefined);
          let at = 0;
          return out.every((b, i) => {
            const ok = b.byteLength === lengths[i] && b.every((v, k) => v === bytes[at + k]);
            at += lengths[i]!;
            return ok;
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stops at the first failing read and rejects with its error", async () => {
    const { shards } = shardsOf(ramp(40), [10, 20, 30]);
    let calls = 0;
    const failing = () => (++calls, Promise.reject(new Error("disk gone")));
    await expect(readGroup(shards, [10, 10, 10, 10], failing)).rejects.toThrow(/disk gone/);
    expect(calls).toBeLessThanOrEqual(4);
  });
});
