import { decodeUtf8Strict, encodeUtf8 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { expectCode } from "../test/_make-file.js";
import { checkShardCoverage } from "./codec/check-shard-coverage.js";
import { checkShardFileName } from "./codec/check-shard-file-name.js";
import { decodeSafetensorsIndex } from "./codec/decode-safetensors-index.js";
import { encodeSafetensorsIndex } from "./codec/encode-safetensors-index.js";
import { planShards } from "./write/plan-shards.js";

const A = "model-00001-of-00002.safetensors";
const B = "model-00002-of-00002.safetensors";
const decode = (text: string) => decodeSafetensorsIndex(encodeUtf8(text));
const text = (bytes: Uint8Array) => decodeUtf8Strict(bytes) ?? "";

// What Python's json.dumps(index, indent=2, sort_keys=True) + "\n" wrote for this index.
const PYTHON =
  '{\n  "metadata": {\n    "format": "pt",\n    "nested": {\n      "e": {},\n      "l": [\n        1,\n        "a",\n        [],\n        true,\n        null\n      ]\n    },\n    "ratio": 1e-05,\n    "total_size": 1234,\n    "x": 0.0001\n  },\n  "weight_map": {\n    "a.weight": "model-00001-of-00002.safetensors",\n    "b.weight": "model-00002-of-00002.safetensors",\n    "caf\\u00e9\\n\\"\\\\\\u007f": "model-00001-of-00002.safetensors",\n    "\\uffff": "m.safetensors",\n    "\\ud83d\\ude00": "m.safetensors"\n  }\n}\n';

describe("safetensors index", () => {
  it("decodes weight_map, total_size, metadata and shard files", () => {
    const index = decode(PYTHON);
    expect(index.totalSize).toBe(1234);
    expect(index.metadata?.ratio).toBe(1e-5);
    expect([...index.weightMap.keys()]).toEqual(["a.weight", "b.weight", 'café\n"\\\u007f', "\uffff", "\u{1F600}"]);
    expect(index.shardFiles).toEqual([A, B, "m.safetensors"]);
  });

  it("encodes exactly as transformers (Python json.dumps indent=2 sort_keys) and round-trips", () => {
    const index = decode(PYTHON);
    expect(text(encodeSafetensorsIndex(index))).toBe(PYTHON);
    const shuffled = new Map([...index.weightMap].reverse());
    expect(text(encodeSafetensorsIndex({ ...index, weightMap: shuffled }))).toBe(PYTHON);
    expect(text(encodeSafetensorsIndex({ weightMap: { x: A } }))).toBe(
      `{\n  "weight_map": {\n    "x": "${A}"\n  }\n}\n`,
    );
    const proto = encodeSafetensorsIndex({ weightMap: new Map([["__proto__", A]]), totalSize: 4 });
    expect(decode(text(proto)).weightMap.get("__proto__")).toBe(A);
  });

  it("throws SAFETENSORS_DUPLICATE_KEY for a tensor mapped twice", async () => {
    await expectCode(() => decode(`{"weight_map":{"a":"${A}","a":"${B}"}}`), "SAFETENSORS_DUPLICATE_KEY");
  });

  it("throws SAFETENSORS_BAD_INDEX for not JSON, wrong shapes and types", async () => {
    const bad = [
      "",
      "{",
      "[]",
      "{}",
      '{"weight_map":[]}',
      '{"weight_map":{"a":1}}',
      `{"weight_map":{},"extra":1}`,
      `{"metadata":[],"weight_map":{}}`,
      `{"metadata":{"total_size":-1},"weight_map":{}}`,
      `{"metadata":{"total_size":"12"},"weight_map":{}}`,
      `{"metadata":{"total_size":1.5},"weight_map":{}}`,
    ];
    for (const t of bad) await expectCode(() => decode(t), "SAFETENSORS_BAD_INDEX");
    await expectCode(() => decodeSafetensorsIndex(new Uint8Array([0x7b, 0xff, 0x7d])), "SAFETENSORS_BAD_INDEX");
    await expectCode(() => encodeSafetensorsIndex({ weightMap: { a: A }, totalSize: -1 }), "SAFETENSORS_BAD_INDEX");
  });

  it("throws SAFETENSORS_PATH_ESCAPE for shard names outside the folder", async () => {
    const escapes = [
      "",
      ".",
      "..",
      "../model.safetensors",
      "/etc/passwd",
      "sub/model.safetensors",
      "..\\model.safetensors",
      "C:\\model.safetensors",
      "C:model.safetensors",
      "https://example.com/model.safetensors",
      "file:model.safetensors",
      "model\u0000.safetensors",
      "a\nb",
    ];
    for (const name of escapes) {
      await expectCode(() => checkShardFileName(name), "SAFETENSORS_PATH_ESCAPE");
      await expectCode(() => decode(JSON.stringify({ weight_map: { t: name } })), "SAFETENSORS_PATH_ESCAPE");
      await expectCode(() => encodeSafetensorsIndex({ weightMap: { t: name } }), "SAFETENSORS_PATH_ESCAPE");
    }
    for (const ok of [A, "..model.safetensors", "model..safetensors", "pytorch_model-1.bin", "é.safetensors"]) {
      expect(() => checkShardFileName(ok)).not.toThrow();
    }
  });
});

describe("planShards", () => {
  const t = (name: string) => ({ name, dtype: "F32" as const, shape: [2, 3] });

  it("groups tensors by the given map and builds the index with total_size", () => {
    const plan = planShards([t("x"), t("a"), t("b")], { a: B, b: A, x: B }, { format: "pt", total_size: 1 });
    expect(plan.shards.map((s) => [s.file, s.tensors.map((x) => x.name)])).toEqual([
      [A, ["b"]],
      [B, ["x", "a"]],
    ]);
    expect(plan.index.totalSize).toBe(72);
    expect(plan.index.metadata).toEqual({ format: "pt", total_size: 72 });
    const round = decodeSafetensorsIndex(encodeSafetensorsIndex(plan.index));
    expect(round.weightMap).toEqual(
      new Map([
        ["a", B],
        ["b", A],
        ["x", B],
      ]),
    );
    expect(round.totalSize).toBe(72);
  });

  it("refuses unmapped tensors, stale map entries, duplicates and bad shard names", async () => {
    await expectCode(() => planShards([t("a"), t("b")], { a: A }), "SAFETENSORS_BAD_INDEX");
    await expectCode(() => planShards([t("a")], { a: A, gone: A }), "SAFETENSORS_BAD_INDEX");
    await expectCode(() => planShards([t("a"), t("a")], { a: A }), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => planShards([t("a")], { a: "../a.safetensors" }), "SAFETENSORS_PATH_ESCAPE");
  });
});

describe("checkShardCoverage", () => {
  const index = decode(`{"metadata":{"total_size":8},"weight_map":{"a":"${A}","b":"${B}","c":"${B}"}}`);

  it("accepts shards that hold exactly what the index maps to them", () => {
    expect(() =>
      checkShardCoverage(
        index,
        new Map([
          [A, ["a"]],
          [B, ["c", "b"]],
        ]),
      ),
    ).not.toThrow();
  });

  it("throws SAFETENSORS_BAD_INDEX for a missing shard, a missing, extra, misplaced or doubled tensor", async () => {
    const cases: [string, string[]][][] = [
      [[A, ["a"]]],
      [
        [A, ["a"]],
        [B, ["b"]],
      ],
      [
        [A, ["a", "d"]],
        [B, ["b", "c"]],
      ],
      [
        [A, ["a", "b"]],
        [B, ["c"]],
      ],
      [
        [A, ["a", "c"]],
        [B, ["b", "c"]],
      ],
    ];
    for (const shards of cases)
      await expectCode(() => checkShardCoverage(index, new Map(shards)), "SAFETENSORS_BAD_INDEX");
  });
});
