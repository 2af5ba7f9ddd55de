import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturesDir } from "@reparam-tools/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliModel, bin, cliModels, convert, snapshot } from "./_cli.js";

const LABELS = ["onnx", "onnx external data", "safetensors sharded", "tfjs layers sharded"] as const;

let root: string;
let models: CliModel[] = [];

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (pnpm build)`);
  root = mkdtempSync(join(tmpdir(), "reparam-race-"));
  models = await cliModels(join(root, "in"));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("reparam convert run twice at once to the same output", () => {
  it.each(LABELS.map((l, i) => [l, i] as const))(
    "%s: lets one run win whole; the other ends in a typed error or writes the same",
    async (_, i) => {
      const m = models[i]!;
      const reference = join(root, `ref-${i}`);
      expect((await convert(m.input, join(reference, m.outName))).code).toBe(0);
      for (let round = 0; round < 2; round++) {
        const out = join(root, `race-${i}-${round}`);
        const target = join(out, m.outName);
        const runs = await Promise.all([convert(m.input, target), convert(m.input, target)]);
        for (const r of runs) {
          expect(r.code === 0 || (r.code === 1 && r.stderr.startsWith("error CLI_OUTPUT_EXISTS")), r.stderr).toBe(true);
        }
        expect(runs.some((r) => r.code === 0)).toBe(true);
        expect(snapshot(out)).toEqual(snapshot(reference));
      }
    },
  );
});

describe("reparam convert on a model with nothing to fuse", () => {
  it.each([
    ["repvgg_tiny.deploy.onnx", []],
    ["acnet.deploy.onnx", []],
    ["repvgg_tiny.train.onnx", ["--exclude", "*"]],
    ["repvgg_tiny.train.safetensors", ["--exclude", "*"]],
    ["qarepvgg.train_f16.safetensors", ["--exclude", "*"]],
    ["repvgg_tiny.deploy.safetensors", []],
  ])("%s %j: writes a byte-identical copy", async (name, args) => {
    const target = join(root, "identity", name);
    const r = await convert(join(fixturesDir, name), target, args);
    expect(r.code, r.stderr).toBe(0);
    expect(new Uint8Array(readFileSync(target))).toEqual(new Uint8Array(readFileSync(join(fixturesDir, name))));
  });
});

describe("reparam convert on a full disk", () => {
  let disk: string | undefined;
  beforeAll(() => {
    const dir = join(root, "small-disk");
    mkdirSync(dir);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
      disk = dir;
    } catch {
      console.log("full-disk test skipped: cannot mount a 1 MiB tmpfs here (needs root)");
    }
  });
  afterAll(() => {
    if (disk !== undefined) execFileSync("umount", [disk]);
  });

  it.each(LABELS.map((l, i) => [l, i] as const))("%s: ends in a typed error with nothing left behind", async (_, i) => {
    if (disk === undefined) return;
    const m = models[i]!;
    const input = snapshot(m.dir);
    const r = await convert(m.input, join(disk, m.outName));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error CLI_DISK_FULL: /);
    expect(readdirSync(disk)).toEqual([]);
    expect(snapshot(m.dir)).toEqual(input);
  });
});
