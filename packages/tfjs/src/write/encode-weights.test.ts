import { errorCode } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { decodeWeights } from "../codec/decode-weights.js";
import { encodeWeights } from "./encode-weights.js";
import { memoryFiles } from "../codec/tfjs-files.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";
import { weightValues } from "../codec/weight-values.js";

const codeOf = errorCode;

const kept: TfjsWeight = {
  name: "q/kernel",
  shape: [5],
  dtype: "float32",
  quantization: { dtype: "uint8", min: -1, scale: 0.5, original_dtype: "float32" },
  bytes: new Uint8Array([0, 1, 2, 3, 4]),
};

describe("encodeWeights", () => {
  it("writes one group in 4 MiB shards by default, named like the Python converter", () => {
    const big = new Float32Array(2.5 * 1024 * 1024); // 10 MiB
    big[big.length - 1] = 7;
    const { manifest, shards } = encodeWeights([{ name: "big", shape: [big.length], values: big }]);
    expect(shards.map((s) => [s.path, s.bytes.byteLength])).toEqual([
      ["group1-shard1of3.bin", 4194304],
      ["group1-shard2of3.bin", 4194304],
      ["group1-shard3of3.bin", 2097152],
    ]);
    expect(manifest).toEqual([
      { paths: shards.map((s) => s.path), weights: [{ name: "big", shape: [big.length], dtype: "float32" }] },
    ]);
    expect(new DataView(shards[2]!.bytes.buffer).getFloat32(2097148, true)).toBe(7);
  });

  it("keeps exact bytes and quantization of untouched weights; new values are float32 or int32", async () => {
    const { manifest, shards } = encodeWeights(
      [
        kept,
        { name: "new/bias", shape: [2], values: new Float32Array([0.1, -3]) },
        { name: "pad", shape: [1, 2], values: new Int32Array([1, 2]), group: "model" },
      ],
      { shardBytes: 4, groupName: "deploy" },
    );
    expect(manifest[0]!.weights).toEqual([
      {
        name: "q/kernel",
        shape: [5],
        dtype: "float32",
        quantization: { dtype: "uint8", min: -1, scale: 0.5, original_dtype: "float32" },
      },
      { name: "new/bias", shape: [2], dtype: "float32" },
      { name: "pad", shape: [1, 2], dtype: "int32", group: "model" },
    ]);
    // 5 + 8 + 8 = 21 bytes in 4-byte shards: every weight straddles.
    expect(shards.map((s) => s.path)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `deploy-shard${i}of6.bin`));
    expect(shards.map((s) => s.bytes.byteLength)).toEqual([4, 4, 4, 4, 4, 1]);
    const back = await decodeWeights(manifest, memoryFiles(shards));
    expect(back[0]).toEqual(kept);
    expect(back.map((w) => [...weightValues(w)])).toEqual([
      [-1, -0.5, 0, 0.5, 1],
      [Math.fround(0.1), -3],
      [1, 2],
    ]);
  });

  it("round-trips decode -> encode -> decode to identical entries and bytes for any shard size", async () => {
    const first = encodeWeights([kept, { name: "v", shape: [3, 1], values: new Float32Array([1, 2, 3]) }], {
      shardBytes: 3,
    });
    const a = await decodeWeights(first.manifest, memoryFiles(first.shards));
    for (const shardBytes of [1, 2, 7, 1000]) {
      const again = encodeWeights(a, { shardBytes });
      expect(await decodeWeights(again.manifest, memoryFiles(again.shards))).toEqual(a);
    }
  });

  it("gives no shards for no weights, or only empty ones", () => {
    expect(encodeWeights([])).toEqual({ manifest: [{ paths: [], weights: [] }], shards: [] });
    expect(encodeWeights([{ name: "e", shape: [0], values: new Float32Array(0) }]).shards).toEqual([]);
  });

  it("refuses bytes or values that do not match the shape: TFJS_BAD_WEIGHT", () => {
    expect(codeOf(() => encodeWeights([{ ...kept, shape: [4] }]))).toBe("TFJS_BAD_WEIGHT");
    expect(codeOf(() => encodeWeights([{ name: "v", shape: [2, 2], values: new Float32Array(3) }]))).toBe(
      "TFJS_BAD_WEIGHT",
    );
  });

  it("refuses duplicate names, bad options, escaping group names", () => {
    const v = { name: "v", shape: [1], values: new Float32Array(1) };
    expect(codeOf(() => encodeWeights([v, v]))).toBe("TFJS_DUPLICATE_WEIGHT");
    expect(codeOf(() => encodeWeights([v], { shardBytes: 0 }))).toBe("TFJS_BAD_OPTION");
    expect(codeOf(() => encodeWeights([v], { shardBytes: 1.5 }))).toBe("TFJS_BAD_OPTION");
    expect(codeOf(() => encodeWeights([v], { groupName: "../g" }))).toBe("TFJS_PATH_ESCAPE");
    expect(codeOf(() => encodeWeights([v], { groupName: "/tmp/g" }))).toBe("TFJS_PATH_ESCAPE");
  });
});
