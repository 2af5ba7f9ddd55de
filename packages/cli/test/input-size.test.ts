// The sizes `convert` reports are the model's own files: what it was read from (main file, shards,
// external data) and what was written, never the rest of a folder.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateModel } from "../../../tools/models/src/generate-model.js";
import { SMALL_ARCHS } from "../../../tools/models/test/small-archs.js";
import { splitSafetensors } from "../../../tools/fuzz-decode/src/split-safetensors.js";
import { convertModel } from "../src/convert-model.js";
import { tempDir } from "./run-cli.js";

const sizes = (dir: string, names: readonly string[]) => names.reduce((n, f) => n + statSync(join(dir, f)).size, 0);

describe("the sizes convert reports", () => {
  it("counts a sharded checkpoint's index and shards as its input and every file written as its output", async () => {
    const dir = tempDir();
    const whole = join(dir, "whole.safetensors");
    await generateModel(SMALL_ARCHS.mobileone!, { format: "safetensors", out: whole, seed: 5 });
    const shards = join(dir, "sharded");
    mkdirSync(shards);
    const files = await splitSafetensors(readFileSync(whole), 3, "model");
    for (const [name, bytes] of files) writeFileSync(join(shards, name), bytes);
    // Another model in the same folder: not part of this one.
    writeFileSync(join(shards, "other.safetensors"), readFileSync(whole));
    const index = [...files.keys()].find((n) => n.endsWith(".index.json"))!;
    const out = join(dir, "out");
    mkdirSync(out);
    const r = await convertModel(join(shards, index), {
      progress: false,
      output: join(out, "model.deploy.safetensors.index.json"),
    });
    expect(r.bytes.input).toBe(sizes(shards, [...files.keys()]));
    const written = readdirSync(out);
    expect(written.length).toBeGreaterThan(1);
    expect(r.bytes.output).toBe(sizes(out, written));
  }, 120_000);

  it("writes a sharded checkpoint by default into a folder of its own beside it (its shards keep their names)", async () => {
    const dir = tempDir();
    const whole = join(dir, "whole.safetensors");
    await generateModel(SMALL_ARCHS.mobileone!, { format: "safetensors", out: whole, seed: 6 });
    const files = await splitSafetensors(readFileSync(whole), 3, "model");
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const index = [...files.keys()].find((n) => n.endsWith(".index.json"))!;
    const before = new Map([...files.keys()].map((f) => [f, readFileSync(join(dir, f))]));
    const r = await convertModel(join(dir, index), { progress: false });
    expect(r.output).toBe(join(dir, "model.deploy"));
    expect(readdirSync(r.output).sort()).toEqual([...files.keys()].sort());
    for (const [f, bytes] of before) expect(readFileSync(join(dir, f)).equals(bytes)).toBe(true); // the input is untouched
    mkdirSync(join(dir, "again"));
    const again = await convertModel(join(r.output, index), {
      progress: false,
      output: join(dir, "again", index),
    });
    expect(again.report.blocksFound).toBe(0); // the output is a deploy state dict
  }, 120_000);
});
