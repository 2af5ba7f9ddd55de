import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyInputFixtures, verifyInputModels } from "../src/verify-inputs/verify-input-models.js";

const root = fileURLToPath(new URL("../fixtures/verify-inputs/", import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [relative(root, p)];
  });
}

describe("verifyInputModels", () => {
  it("writes exactly the committed files of fixtures/verify-inputs, byte for byte", async () => {
    const made = await verifyInputFixtures();
    expect([...made.keys()].sort()).toEqual(filesUnder(root).sort());
    for (const [path, bytes] of made) expect(Buffer.compare(readFileSync(join(root, path)), bytes), path).toBe(0);
  });

  it("builds models onnxruntime-node loads and runs", async () => {
    const ort = await import("onnxruntime-node");
    const feeds: Record<string, Record<string, InstanceType<typeof ort.Tensor>>> = {
      "lstm.onnx": {
        X: new ort.Tensor("float32", new Float32Array(5 * 8), [5, 1, 8]),
        h0: new ort.Tensor("float32", new Float32Array(4), [1, 1, 4]),
        c0: new ort.Tensor("float32", new Float32Array(4), [1, 1, 4]),
      },
    };
    const image = (type: "float32" | "float16" | "int32", dims: number[]) => {
      const n = dims.reduce((p, d) => p * d, 1);
      const data = type === "float32" ? new Float32Array(n) : type === "int32" ? new Int32Array(n) : new Uint16Array(n);
      return new ort.Tensor(type, data, dims);
    };
    feeds["symbolic-dims.onnx"] = { x: image("float32", [1, 3, 8, 8]) };
    feeds["fixed-size.onnx"] = { x: image("float32", [1, 3, 32, 32]) };
    feeds["int64-scalar.onnx"] = {
      x: image("float32", [1, 3, 16, 16]),
      sr: new ort.Tensor("int64", BigInt64Array.from([16000n]), []),
    };
    feeds["if.onnx"] = { x: image("float32", [1, 3, 16, 16]), flag: new ort.Tensor("bool", Uint8Array.from([1]), []) };
    feeds["float16-image.onnx"] = { image: image("float16", [1, 3, 16, 16]) };
    feeds["int32-image.onnx"] = { image: image("int32", [1, 3, 16, 16]) };
    for (const [path, bytes] of verifyInputModels()) {
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run(feeds[path]!);
      expect(Object.keys(out).length, path).toBeGreaterThan(0);
      await session.release();
    }
  });
});
