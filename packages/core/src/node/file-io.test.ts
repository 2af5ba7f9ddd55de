import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileOutput } from "./file-output.js";
import { openFileInput } from "./open-file-input.js";

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

function modelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "reparam-core-node-"));
  mkdirSync(join(dir, "m"));
  writeFileSync(join(dir, "m", "model.bin"), Uint8Array.from([1, 2, 3, 4, 5, 6]));
  writeFileSync(join(dir, "m", "model.bin.data"), Uint8Array.from([9, 8]));
  writeFileSync(join(dir, "secret"), "x");
  symlinkSync(join(dir, "secret"), join(dir, "m", "link"));
  return dir;
}

describe("openFileInput", () => {
  it("reads ranges of the main file and of files beside it", async () => {
    const dir = modelFolder();
    const input = await openFileInput(join(dir, "m", "model.bin"));
    try {
      expect(input.name).toBe("model.bin");
      expect(input.main.size).toBe(6);
      expect([...(await input.main.read(1, 3))]).toEqual([2, 3, 4]);
      const target = new Uint8Array(2);
      await input.main.readInto!(4, target);
      expect([...target]).toEqual([5, 6]);
      expect([...(await (await input.open("model.bin.data")).read(0, 2))]).toEqual([9, 8]);
    } finally {
      await input.close();
    }
  });

  it("refuses reads past the end, paths out of the folder (symlinks too) and missing files, with codes", async () => {
    const dir = modelFolder();
    expect(await codeOf(openFileInput(join(dir, "m", "nope.bin")))).toBe("FILE_NOT_FOUND");
    expect(await codeOf(openFileInput(join(dir, "m")))).toBe("FILE_NOT_A_FILE");
    const input = await openFileInput(join(dir, "m", "model.bin"));
    try {
      expect(await codeOf(input.main.read(4, 5))).toBe("FILE_READ_PAST_END");
      expect(await codeOf(input.main.read(0, 2 ** 52))).toBe("FILE_READ_PAST_END");
      expect(await codeOf(input.open("../secret"))).toBe("FILE_PATH_ESCAPE");
      expect(await codeOf(input.open(join(dir, "secret")))).toBe("FILE_PATH_ESCAPE");
      expect(await codeOf(input.open("link"))).toBe("FILE_PATH_ESCAPE");
      expect(await codeOf(input.open("gone.data"))).toBe("FILE_NOT_FOUND");
    } finally {
      await input.close();
    }
  });
});

describe("fileOutput", () => {
  it("streams the main file and files beside it (in subfolders too) and refuses paths out of its folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-core-node-out-"));
    const output = fileOutput(join(dir, "out", "model.deploy.bin"));
    expect(output.name).toBe("model.deploy.bin");
    const main = await output.create(output.name);
    await main.write(Uint8Array.from([1, 2]));
    await main.write(Uint8Array.from([3]));
    await main.close();
    const side = await output.create("shards/one.bin");
    await side.write(Uint8Array.from([7]));
    await side.close();
    expect([...readFileSync(join(dir, "out", "model.deploy.bin"))]).toEqual([1, 2, 3]);
    expect([...readFileSync(join(dir, "out", "shards", "one.bin"))]).toEqual([7]);
    expect(await codeOf(output.create("../evil"))).toBe("FILE_PATH_ESCAPE");
  });

  it("says when it has let go of written chunks (flushed): refilling one afterwards leaves the file as written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-core-node-out-"));
    const output = fileOutput(join(dir, "model.bin"));
    const main = await output.create(output.name);
    const chunk = new Uint8Array(3 << 20).fill(5); // larger than a stream's buffer: still queued when write resolves
    await main.write(chunk);
    await main.write(Uint8Array.of(6));
    await main.flushed!();
    chunk.fill(0);
    await main.close();
    const written = readFileSync(join(dir, "model.bin"));
    expect(written.length).toBe((3 << 20) + 1);
    expect(written.subarray(0, 3 << 20).every((b) => b === 5)).toBe(true);
    expect(written[3 << 20]).toBe(6);
  });
});
