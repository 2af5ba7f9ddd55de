import { isReparamError, decodeUtf8, encodeUtf8 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeModelJson } from "./decode-model-json.js";
import { encodeModelJson } from "./encode-model-json.js";

const utf8 = encodeUtf8;
const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));
const topology = { class_name: "Model", config: { name: "m", layers: [] } };
const manifest = [{ paths: ["w.bin"], weights: [{ name: "d/kernel", shape: [2, 3], dtype: "float32" }] }];

function codeOf(bytes: Uint8Array): string | undefined {
  try {
    decodeModelJson(bytes);
    return undefined;
  } catch (e) {
    return isReparamError(e) ? e.code : "not a ReparamError";
  }
}

describe("decodeModelJson", () => {
  it("reads a layers model and keeps every field in order, unknown ones included", () => {
    const src = {
      format: "layers-model",
      generatedBy: "g",
      convertedBy: null,
      modelTopology: topology,
      weightsManifest: manifest,
      signature: { inputs: {} },
      userDefinedMetadata: { a: 1 },
      modelInitializer: { node: [] },
      somethingNew: { x: [1, "2"] },
    };
    const m = decodeModelJson(json(src));
    expect(m).toEqual(src);
    expect(Object.keys(m)).toEqual(Object.keys(src));
    expect(JSON.parse(decodeUtf8(encodeModelJson(m)))).toEqual(src);
    expect(Object.keys(JSON.parse(decodeUtf8(encodeModelJson(m))) as object)).toEqual(Object.keys(src));
  });

  it("accepts the Python converter's wrapped Keras topology and a UTF-8 BOM", () => {
    const wrapped = { keras_version: "2.15.0", backend: "tensorflow", model_config: topology };
    const m = decodeModelJson(utf8(`\uFEFF${JSON.stringify({ format: "layers-model", modelTopology: wrapped })}`));
    expect(m.modelTopology).toEqual(wrapped);
  });

  it("refuses bytes that are not JSON: TFJS_BAD_JSON", () => {
    expect(codeOf(utf8('{"modelTopology": '))).toBe("TFJS_BAD_JSON");
    expect(codeOf(utf8(""))).toBe("TFJS_BAD_JSON");
    expect(codeOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toBe("TFJS_BAD_JSON");
    expect(codeOf(json([1, 2]))).toBe("TFJS_BAD_JSON");
    expect(codeOf(json(null))).toBe("TFJS_BAD_JSON");
    expect(codeOf(json("model"))).toBe("TFJS_BAD_JSON");
  });

  it("refuses a model.json without modelTopology: TFJS_NO_TOPOLOGY", () => {
    expect(codeOf(json({ weightsManifest: manifest }))).toBe("TFJS_NO_TOPOLOGY");
    expect(codeOf(json({ modelTopology: null }))).toBe("TFJS_NO_TOPOLOGY");
    expect(codeOf(json({ modelTopology: "x" }))).toBe("TFJS_NO_TOPOLOGY");
    expect(() => decodeModelJson(json({ weightsManifest: manifest }))).toThrow(/only fields weightsManifest/);
  });

  it("refuses an unknown format: TFJS_UNKNOWN_FORMAT", () => {
    expect(codeOf(json({ format: "saved-model", modelTopology: topology }))).toBe("TFJS_UNKNOWN_FORMAT");
  });

  it.each(["../w.bin", "/abs/w.bin", "..\\w.bin", "https://h/w.bin", "%2e%2e/w.bin"])(
    "refuses the weight path %j: TFJS_PATH_ESCAPE",
    (p) => {
      const m = { modelTopology: topology, weightsManifest: [{ paths: ["ok.bin", p], weights: [] }] };
      expect(codeOf(json(m))).toBe("TFJS_PATH_ESCAPE");
    },
  );

  it.each([
    ["manifest not an array", { a: 1 }],
    ["paths missing", [{ weights: [] }]],
    ["path not a string", [{ paths: [1], weights: [] }]],
    ["negative dimension", [{ paths: [], weights: [{ name: "w", shape: [-1], dtype: "float32" }] }]],
    ["fractional dimension", [{ paths: [], weights: [{ name: "w", shape: [1.5], dtype: "float32" }] }]],
    ["name missing", [{ paths: [], weights: [{ shape: [1], dtype: "float32" }] }]],
    [
      "quantization min a string",
      [
        {
          paths: [],
          weights: [{ name: "w", shape: [1], dtype: "float32", quantization: { dtype: "uint8", min: "0" } }],
        },
      ],
    ],
  ])("refuses a malformed manifest (%s): TFJS_BAD_MANIFEST", (_what, wm) => {
    expect(codeOf(json({ modelTopology: topology, weightsManifest: wm }))).toBe("TFJS_BAD_MANIFEST");
  });

  it("refuses duplicate weight names across groups: TFJS_DUPLICATE_WEIGHT", () => {
    const w = { name: "a/kernel", shape: [1], dtype: "float32" };
    const wm = [
      { paths: ["1.bin"], weights: [w] },
      { paths: ["2.bin"], weights: [w] },
    ];
    expect(codeOf(json({ modelTopology: topology, weightsManifest: wm }))).toBe("TFJS_DUPLICATE_WEIGHT");
  });

  it("leaves dtype checks to decodeWeights, so a string weight's topology can be read", () => {
    const wm = [{ paths: ["w.bin"], weights: [{ name: "vocab", shape: [2], dtype: "string" }] }];
    expect(codeOf(json({ modelTopology: topology, weightsManifest: wm }))).toBeUndefined();
  });
});
