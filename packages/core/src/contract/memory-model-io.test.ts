import { describe, expect, it } from "vitest";
import { memoryInput, memoryOutput } from "./memory-model-io.js";

describe("in-memory model files", () => {
  it("reads the main file and its siblings, and refuses unknown names", async () => {
    const input = memoryInput("m.onnx", Uint8Array.of(1, 2, 3), { "w.bin": Uint8Array.of(9) });
    expect([...(await input.main.read(1, 2))]).toEqual([2, 3]);
    expect((await input.open("w.bin")).size).toBe(1);
    await expect(input.open("toString")).rejects.toThrow(/no file/);
  });

  it("keeps a file once it is closed, and lists every create", async () => {
    const out = memoryOutput("o.onnx");
    const sink = await out.create("o.onnx");
    await sink.write(Uint8Array.of(4, 5));
    expect(out.files.has("o.onnx")).toBe(false);
    await sink.close();
    expect([...out.files.get("o.onnx")!]).toEqual([4, 5]);
    await out.create("side.data");
    expect(out.created).toEqual(["o.onnx", "side.data"]);
  });
});
