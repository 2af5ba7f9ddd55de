import { bufferPool } from "@reparam/core";
import type { ByteSink } from "@reparam/core";
import { describe, expect, it } from "vitest";
import type { PendingData } from "./_pending-data.js";
import { writePieces } from "./_write-pieces.js";

/** A sink that holds each chunk until `flushed` (then copies it out), as a file stream does. */
function heldSink(): ByteSink & { readonly out: number[]; readonly log: string[] } {
  const out: number[] = [];
  const log: string[] = [];
  let held: Uint8Array[] = [];
  return {
    out,
    log,
    write(chunk) {
      held.push(chunk);
      log.push(`write ${chunk[0]}`);
      return Promise.resolve();
    },
    flushed() {
      for (const c of held) out.push(...c);
      held = [];
      log.push("flushed");
      return Promise.resolve();
    },
  };
}

describe("writePieces", () => {
  it("hands a pending piece's memory back only once the sink has let go of it, so a pool can refill it", async () => {
    const pool = bufferPool();
    const sink = heldSink();
    const piece = (v: number): PendingData => ({
      byteLength: 4,
      bytes: () => {
        sink.log.push(`make ${v}`);
        return Promise.resolve(pool.take(4).fill(v));
      },
      done: (bytes) => {
        sink.log.push(`done ${bytes[0]}`);
        pool.reuse([bytes]);
      },
    });
    await writePieces(sink, [piece(1), Uint8Array.of(9), piece(2), piece(3), piece(4)], "test");
    sink.flushed!();
    // Every value arrives intact though pieces 3 and 4 reuse the memory of 1 and 2.
    expect(sink.out).toEqual([1, 1, 1, 1, 9, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    // Each piece is made while the one before is written; its memory goes back once the sink flushed it.
    expect(sink.log).toEqual([
      ...["make 1", "write 1", "flushed", "done 1", "write 9", "make 2", "write 2", "make 3"],
      ...["flushed", "done 2", "write 3", "make 4", "flushed", "done 3", "write 4", "flushed", "done 4", "flushed"],
    ]);
  });

  it("leaves done uncalled for a sink that keeps its chunks (no flushed)", async () => {
    const chunks: Uint8Array[] = [];
    let done = 0;
    const sink: ByteSink = { write: (c) => Promise.resolve(void chunks.push(c)) };
    const piece: PendingData = { byteLength: 1, bytes: () => Promise.resolve(Uint8Array.of(7)), done: () => done++ };
    await writePieces(sink, [piece, piece], "test");
    expect(done).toBe(0);
    expect(chunks.map((c) => c[0])).toEqual([7, 7]);
  });
});
