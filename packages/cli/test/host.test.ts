import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { openModelInput } from "../src/host/model-input.js";
import { stageOutput } from "../src/host/staged-output.js";

const fresh = () => mkdtempSync(join(tmpdir(), "reparam-host-"));
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: unknown) => (isReparamError(e) ? e.code : String(e)),
  );

describe("staged output", () => {
  it("writes nothing at the target until commit, then moves main and side files", async () => {
    const dir = fresh();
    const target = join(dir, "m.deploy.onnx");
    const st = await stageOutput(target, { folder: false, force: false });
    const side = await st.output.create("m.deploy.onnx.data");
    await side.write(new Uint8Array([1, 2, 3]));
    await side.close();
    const main = await st.output.create("m.deploy.onnx");
    await main.write(new Uint8Array([9]));
    await main.close();
    expect(readdirSync(dir).filter((n) => !n.startsWith(".reparam-tmp-"))).toEqual([]);
    await st.commit();
    expect(readdirSync(dir).sort()).toEqual(["m.deploy.onnx", "m.deploy.onnx.data"]);
    expect([...readFileSync(join(dir, "m.deploy.onnx.data"))]).toEqual([1, 2, 3]);
    expect(st.bytesWritten()).toBe(4);
  });

  it("leaves nothing behind on abort, and refuses an existing output without force", async () => {
    const dir = fresh();
    const st = await stageOutput(join(dir, "out.safetensors"), { folder: false, force: false });
    const s = await st.output.create("out.safetensors");
    await s.write(new Uint8Array(10));
    await st.abort();
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "x"), "keep");
    expect(await codeOf(stageOutput(join(dir, "x"), { folder: false, force: false }))).toBe("CLI_OUTPUT_EXISTS");
    expect(readFileSync(join(dir, "x"), "utf8")).toBe("keep");
  });

  it("says when written chunks are handed to the OS (flushed), so that a writer may fill their memory again", async () => {
    const dir = fresh();
    const st = await stageOutput(join(dir, "m.deploy.onnx"), { folder: false, force: false });
    const s = await st.output.create("m.deploy.onnx");
    expect(s.flushed).toBeTypeOf("function");
    const chunk = new Uint8Array(1 << 20).fill(5);
    await s.write(chunk);
    await s.flushed!();
    chunk.fill(6); // after flushed: must not change what was written
    await s.write(chunk);
    await s.close();
    await st.commit();
    const bytes = readFileSync(join(dir, "m.deploy.onnx"));
    expect(bytes.length).toBe(2 << 20);
    expect([bytes[0], bytes[(1 << 20) - 1], bytes[1 << 20], bytes[(2 << 20) - 1]]).toEqual([5, 5, 6, 6]);
  });

  it("renames a staged folder into place (TF.js)", async () => {
    const dir = fresh();
    const st = await stageOutput(join(dir, "web.deploy"), { folder: true, force: false });
    const s = await st.output.create("model.json");
    await s.write(new TextEncoder().encode("{}"));
    await s.close();
    await st.commit();
    expect(readdirSync(join(dir, "web.deploy"))).toEqual(["model.json"]);
    expect(await codeOf(st.output.create("../evil"))).toBe("CLI_PATH_ESCAPE");
  });
});

describe("model input", () => {
  it("reads ranges and refuses siblings outside the folder, also through symlinks", async () => {
    const dir = fresh();
    const outside = fresh();
    mkdirSync(join(dir, "m"));
    writeFileSync(join(dir, "m", "model.onnx"), new Uint8Array([0, 1, 2, 3, 4, 5]));
    writeFileSync(join(dir, "m", "w.bin"), new Uint8Array([7, 7]));
    writeFileSync(join(outside, "secret"), "s");
    symlinkSync(join(outside, "secret"), join(dir, "m", "link"));
    const opened = await openModelInput(join(dir, "m", "model.onnx"));
    try {
      expect([...(await opened.input.main.read(2, 3))]).toEqual([2, 3, 4]);
      expect(await codeOf(opened.input.main.read(4, 5))).toBe("FILE_READ_PAST_END");
      expect(await codeOf(opened.input.main.read(0, 2 ** 52))).toBe("FILE_READ_PAST_END"); // refused before anything is allocated
      const target = new Uint8Array(8).fill(9);
      await opened.input.main.readInto!(1, target.subarray(2, 6));
      expect([...target]).toEqual([9, 9, 1, 2, 3, 4, 9, 9]);
      expect(await codeOf(opened.input.main.readInto!(3, new Uint8Array(4)))).toBe("FILE_READ_PAST_END");
      expect((await opened.input.open("w.bin")).size).toBe(2);
      expect(await codeOf(opened.input.open("../x"))).toBe("CLI_PATH_ESCAPE");
      expect(await codeOf(opened.input.open(join(outside, "secret")))).toBe("CLI_PATH_ESCAPE");
      expect(await codeOf(opened.input.open("link"))).toBe("CLI_PATH_ESCAPE");
      expect(await codeOf(opened.input.open("missing.bin"))).toBe("CLI_FILE_NOT_FOUND");
    } finally {
      await opened.close();
    }
  });

  it("reads a large range in parallel pieces, byte for byte", async () => {
    const dir = fresh();
    const n = (40 << 20) + 12345; // more than two 16 MiB pieces
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24;
    writeFileSync(join(dir, "big.onnx"), bytes);
    const opened = await openModelInput(join(dir, "big.onnx"));
    try {
      expect(Buffer.compare(await opened.input.main.read(0, n), bytes)).toBe(0);
      const part = await opened.input.main.read(7, n - 100);
      expect(Buffer.compare(part, bytes.subarray(7, n - 93))).toBe(0);
    } finally {
      await opened.close();
    }
  });
});
