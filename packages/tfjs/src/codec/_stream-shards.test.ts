import { isReparamError, type ModelOutput } from "@reparam/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shardLayout, type ShardWeight } from "../write/_shard-layout.js";
import { streamShards } from "./_stream-shards.js";
import type { EncodableWeight } from "../write/encodable-weight.js";
import { encodeWeights } from "../write/encode-weights.js";
import type { FusedTfjsWeight } from "../write/fused-tfjs-weight.js";

/** An output whose writes settle later (a macrotask), recording events, overlapping writes and closed files. */
function slowOutput(
  failOn?: string,
): ModelOutput & { files: Map<string, Uint8Array>; events: string[]; overlap: boolean } {
  const files = new Map<string, Uint8Array>();
  const events: string[] = [];
  const later = () => new Promise<void>((r) => setTimeout(r, 0));
  const out = {
    name: "model.json",
    files,
    events,
    overlap: false,
    async create(path: string) {
      events.push(`create ${path}`);
      const chunks: Uint8Array[] = [];
      let busy = false;
      return {
        async write(chunk: Uint8Array) {
          if (busy) out.overlap = true;
          busy = true;
          await later();
          if (path === failOn) throw new Error(`cannot write ${path}`);
          chunks.push(chunk.slice());
          busy = false;
        },
        async close() {
          await later();
          files.set(path, Uint8Array.from(chunks.flatMap((c) => [...c])));
          events.push(`close ${path}`);
        },
      };
    },
  };
  return out;
}

const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, k) => seed * 1000 + k);

/** A fused-like weight computed on demand, logging its release. */
function lazy(name: string, v: Float32Array, events: string[]): FusedTfjsWeight {
  return {
    name,
    shape: [v.length],
    dtype: "float32",
    compute: () => Promise.resolve(new Uint8Array(v.buffer)),
    release: () => void events.push(`release ${name}`),
  };
}

describe("streamShards", () => {
  it("writes what encodeWeights makes, byte for byte, for any weights and shard size (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(30), fc.boolean()), { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (specs, shardBytes) => {
          const out = slowOutput();
          const eager: EncodableWeight[] = specs.map(([n], i) => ({ name: `w${i}`, shape: [n], values: values(n, i) }));
          const mixed: ShardWeight[] = specs.map(([n, isLazy], i) =>
            isLazy ? lazy(`w${i}`, values(n, i), out.events) : eager[i]!,
          );
          const layout = shardLayout(mixed, { shardBytes });
          const written = await streamShards(mixed, layout, out);
          const want = encodeWeights(eager, { shardBytes });
          expect(layout.manifest).toEqual(want.manifest);
          expect([...out.files.keys()].sort()).toEqual(want.shards.map((s) => s.path).sort());
          for (const s of want.shards) expect(out.files.get(s.path)).toEqual(s.bytes);
          expect(written).toBe(want.shards.reduce((a, s) => a + s.bytes.byteLength, 0));
          expect(out.overlap).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("releases a computed weight only once every file holding a piece of it is closed", async () => {
    const out = slowOutput();
    const weights = [lazy("a", values(5, 1), out.events), lazy("b", values(1, 2), out.events)];
    await streamShards(weights, shardLayout(weights, { shardBytes: 8 }), out); // a: shards 1-3, b: shard 3
    const at = (e: string) => out.events.indexOf(e);
    expect(at("release a")).toBeGreaterThan(at("close group1-shard3of3.bin"));
    expect(at("release a")).toBeGreaterThan(at("close group1-shard1of3.bin"));
    expect(out.events.filter((e) => e.startsWith("create"))).toEqual([
      "create group1-shard1of3.bin",
      "create group1-shard2of3.bin",
      "create group1-shard3of3.bin",
    ]);
  });

  it("rejects with a failing write, a failing computation, or computed bytes of the wrong length", async () => {
    const w = [
      { name: "v", shape: [4], values: values(4, 0) },
      { name: "u", shape: [4], values: values(4, 1) },
    ];
    await expect(
      streamShards(w, shardLayout(w, { shardBytes: 16 }), slowOutput("group1-shard1of2.bin")),
    ).rejects.toThrow(/cannot write/);
    const broken: FusedTfjsWeight = {
      ...lazy("f", values(2, 0), []),
      compute: () => Promise.reject(new Error("no kernel")),
    };
    await expect(streamShards([broken], shardLayout([broken]), slowOutput())).rejects.toThrow(/no kernel/);
    const short: FusedTfjsWeight = { ...lazy("f", values(2, 0), []), shape: [3] };
    const err = await streamShards([short], shardLayout([short]), slowOutput()).catch((e: unknown) => e);
    expect(isReparamError(err) && err.code).toBe("TFJS_BAD_WEIGHT");
  });
});
