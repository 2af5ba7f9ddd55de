import { errorCodeOf } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { decodeWeights } from "./decode-weights.js";
import { memoryFiles } from "./tfjs-files.js";
import { weightValues } from "./weight-values.js";
import type { WeightsManifest } from "./weights-manifest.js";

const f32 = (...v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
};
/** Splits bytes into shards of `n` bytes, the last one shorter. */
const split = (bytes: Uint8Array, n: number): Uint8Array[] =>
  Array.from({ length: Math.ceil(bytes.byteLength / n) }, (_, i) => bytes.slice(i * n, (i + 1) * n));

const codeOf = errorCodeOf;

const twoWeights: WeightsManifest = [
  {
    paths: ["group1-shard1of1.bin"],
    weights: [
      { name: "conv/kernel", shape: [1, 1, 1, 3], dtype: "float32" },
      { name: "pad", shape: [2], dtype: "int32" },
    ],
  },
];

describe("decodeWeights", () => {
  it("reads weights in manifest order with their exact bytes", async () => {
    const bytes = cat(f32(1, 2, 3), new Uint8Array(new Int32Array([7, -1]).buffer));
    const w = await decodeWeights(twoWeights, memoryFiles({ "group1-shard1of1.bin": bytes }));
    expect(w.map((x) => [x.name, x.dtype, x.shape])).toEqual([
      ["conv/kernel", "float32", [1, 1, 1, 3]],
      ["pad", "int32", [2]],
    ]);
    expect(w[0]!.bytes).toEqual(bytes.subarray(0, 12));
    expect([...weightValues(w[0]!)]).toEqual([1, 2, 3]);
    expect([...weightValues(w[1]!)]).toEqual([7, -1]);
  });

  it("reads tensors straddling tiny shards (3 bytes each), across several groups", async () => {
    const a = f32(1.5, -2.25, 3, 4, 5);
    const b = cat(new Uint8Array([1, 0, 1]), f32(-0.5, 8));
    const pa = split(a, 3);
    const pb = split(b, 3);
    const manifest: WeightsManifest = [
      {
        paths: pa.map((_, i) => `a${i}.bin`),
        weights: [
          { name: "x", shape: [2], dtype: "float32" },
          { name: "y", shape: [3], dtype: "float32" },
        ],
      },
      {
        paths: pb.map((_, i) => `b${i}.bin`),
        weights: [
          { name: "m", shape: [3], dtype: "bool" },
          { name: "z", shape: [2], dtype: "float32" },
        ],
      },
    ];
    const files = memoryFiles([
      ...pa.map((bytes, i) => ({ path: `a${i}.bin`, bytes })),
      ...pb.map((bytes, i) => ({ path: `b${i}.bin`, bytes })),
    ]);
    const w = await decodeWeights(manifest, files);
    expect(w.map((x) => [...weightValues(x)])).toEqual([
      [1.5, -2.25],
      [3, 4, 5],
      [1, 0, 1],
      [-0.5, 8],
    ]);
    expect(cat(w[0]!.bytes, w[1]!.bytes)).toEqual(a);
  });

  it("reads the same weights from files that can only be read whole (no open())", async () => {
    const bytes = cat(f32(1, 2, 3), new Uint8Array(new Int32Array([7, -1]).buffer));
    const shards = split(bytes, 8).map((b, i) => ({ path: `s${i}.bin`, bytes: b }));
    const manifest: WeightsManifest = [{ paths: shards.map((x) => x.path), weights: twoWeights[0]!.weights }];
    const mem = memoryFiles(shards);
    expect(await decodeWeights(manifest, { read: (p) => mem.read(p) })).toEqual(await decodeWeights(manifest, mem));
  });

  it("checks shard sizes before reading any byte, with open()", async () => {
    const mem = memoryFiles({ "group1-shard1of1.bin": f32(1, 2, 3) }); // 8 bytes short
    let reads = 0;
    const files = {
      read: mem.read,
      open: async (p: string) => ({
        ...(await mem.open!(p)),
        read: () => (++reads, Promise.resolve(new Uint8Array(0))),
      }),
    };
    expect(await codeOf(decodeWeights(twoWeights, files))).toBe("TFJS_SHARD_SIZE");
    expect(reads).toBe(0);
  });

  it("allows empty shards and zero-size weights", async () => {
    const manifest: WeightsManifest = [
      {
        paths: ["e.bin", "w.bin", "e2.bin"],
        weights: [
          { name: "empty", shape: [0, 3], dtype: "float32" },
          { name: "s", shape: [], dtype: "float32" },
        ],
      },
    ];
    const w = await decodeWeights(
      manifest,
      memoryFiles({ "e.bin": new Uint8Array(0), "w.bin": f32(9), "e2.bin": new Uint8Array(0) }),
    );
    expect(w.map((x) => [...weightValues(x)])).toEqual([[], [9]]);
  });

  it("throws TFJS_MISSING_SHARD naming the file for a missing shard", async () => {
    const p = decodeWeights(twoWeights, memoryFiles({}));
    expect(await codeOf(p)).toBe("TFJS_MISSING_SHARD");
    await expect(decodeWeights(twoWeights, memoryFiles({}))).rejects.toThrow(/group1-shard1of1\.bin/);
  });

  it("throws TFJS_SHARD_SIZE with the shard, expected and found bytes for a short or long shard", async () => {
    const short = memoryFiles({ "group1-shard1of1.bin": f32(1, 2, 3, 4) });
    expect(await codeOf(decodeWeights(twoWeights, short))).toBe("TFJS_SHARD_SIZE");
    await expect(decodeWeights(twoWeights, short)).rejects.toThrow(
      /too short.*group1-shard1of1\.bin \(shard 1 of 1\).*expected 20 bytes.*found 16 bytes/,
    );
    const long = memoryFiles({ "group1-shard1of1.bin": f32(1, 2, 3, 4, 5, 6) });
    await expect(decodeWeights(twoWeights, long)).rejects.toThrow(/too long.*expected 20 bytes.*found 24 bytes/);
  });

  it("blames the truncated middle shard of a converter-style layout", async () => {
    const manifest: WeightsManifest = [
      { paths: ["s1.bin", "s2.bin", "s3.bin"], weights: [{ name: "x", shape: [5], dtype: "float32" }] },
    ];
    const files = memoryFiles({
      "s1.bin": new Uint8Array(8),
      "s2.bin": new Uint8Array(5),
      "s3.bin": new Uint8Array(4),
    });
    await expect(decodeWeights(manifest, files)).rejects.toThrow(
      /s2\.bin \(shard 2 of 3\).*expected 8 bytes like the other shards/,
    );
    const lastShort = memoryFiles({
      "s1.bin": new Uint8Array(8),
      "s2.bin": new Uint8Array(8),
      "s3.bin": new Uint8Array(3),
    });
    await expect(decodeWeights(manifest, lastShort)).rejects.toThrow(/s3\.bin \(shard 3 of 3\).*expected 4 bytes/);
  });

  it.each(["string", "complex64", "float64", "uint8"])(
    "dtype %s: throws TFJS_UNKNOWN_DTYPE before reading any file",
    async (dtype) => {
      const manifest: WeightsManifest = [{ paths: ["w.bin"], weights: [{ name: "w", shape: [1], dtype }] }];
      expect(await codeOf(decodeWeights(manifest, memoryFiles({})))).toBe("TFJS_UNKNOWN_DTYPE");
    },
  );

  it("throws TFJS_UNKNOWN_DTYPE for an unknown quantization dtype", async () => {
    const manifest: WeightsManifest = [
      {
        paths: ["w.bin"],
        weights: [
          { name: "w", shape: [1], dtype: "float32", quantization: { dtype: "int4" as "uint8", min: 0, scale: 1 } },
        ],
      },
    ];
    expect(await codeOf(decodeWeights(manifest, memoryFiles({ "w.bin": new Uint8Array(1) })))).toBe(
      "TFJS_UNKNOWN_DTYPE",
    );
  });

  it.each([
    ["uint8 without min", "float32", { dtype: "uint8", scale: 1 }],
    ["uint16 without scale", "float32", { dtype: "uint16", min: 0 }],
    ["float16 on int32", "int32", { dtype: "float16" }],
    ["uint8 on bool", "bool", { dtype: "uint8", min: 0, scale: 1 }],
  ] as const)("%s: throws TFJS_BAD_QUANTIZATION", async (_what, dtype, quantization) => {
    const manifest: WeightsManifest = [{ paths: ["w.bin"], weights: [{ name: "w", shape: [1], dtype, quantization }] }];
    expect(await codeOf(decodeWeights(manifest, memoryFiles({ "w.bin": new Uint8Array(2) })))).toBe(
      "TFJS_BAD_QUANTIZATION",
    );
  });

  it("re-checks paths of a hand-made manifest: TFJS_PATH_ESCAPE", async () => {
    const manifest: WeightsManifest = [{ paths: ["../w.bin"], weights: [] }];
    expect(await codeOf(decodeWeights(manifest, memoryFiles({ "../w.bin": new Uint8Array(0) })))).toBe(
      "TFJS_PATH_ESCAPE",
    );
  });

  it("passes a ReparamError thrown by the file access on unchanged", async () => {
    const { ReparamError } = await import("@reparam/core");
    const files = { read: () => Promise.reject(new ReparamError("CLI_READ_DENIED", "denied")) };
    expect(await codeOf(decodeWeights(twoWeights, files))).toBe("CLI_READ_DENIED");
  });
});
