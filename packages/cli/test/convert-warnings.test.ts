import { copyFileSync, cpSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../../../tools/conformance/src/index.js";
import { listing, reparam, tempDir } from "./run-cli.js";

const samples = fileURLToPath(new URL("../../../tools/models/samples/", import.meta.url));
const onnx = join(samples, "repvgg-sample.onnx");

/** Every file under a folder (or the file itself) with its bytes, to compare a model and its copy. */
function bytesOf(path: string): Map<string, Buffer> {
  const names = statSync(path).isDirectory() ? readdirSync(path).sort() : [""];
  return new Map(names.map((n) => [n, readFileSync(n === "" ? path : join(path, n))]));
}

describe("reparam convert --exclude", () => {
  it("matches what users type: no leading / needed on ONNX names, a glob from the start of the name", () => {
    const dir = tempDir();
    const r = reparam("convert", onnx, "-o", join(dir, "m.onnx"), "--exclude", "stage1*", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { report: { skipped: { name: string }[] }; warnings: string[] };
    expect(out.report.skipped.map((s) => s.name)).toEqual(["/stage1/stage1.0", "/stage1/stage1.1"]);
    expect(out.warnings).toEqual([]);
  });

  it("warns about a pattern that matches no block, naming a few blocks, and still writes (exit 0)", () => {
    const dir = tempDir();
    const r = reparam("convert", onnx, "-o", join(dir, "m.onnx"), "--exclude", "head*", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: --exclude 'head\*' matches no block; block names look like '\/stage0'/m);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings).toHaveLength(1);
    expect(listing(dir)).toEqual(["m.onnx"]);
  });

  it("fails with CLI_EXCLUDE_NO_MATCH under --strict and writes nothing", () => {
    const dir = tempDir();
    const r = reparam("convert", onnx, "-o", join(dir, "m.onnx"), "--exclude", "head*", "--strict");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CLI_EXCLUDE_NO_MATCH: --exclude 'head\*' matches no block/m);
    expect(r.stderr).toMatch(/^hint: block names look like/m);
    expect(listing(dir)).toEqual([]);
  });
});

describe("reparam convert --exclude in a batch", () => {
  it("warns per model (a line naming it, and its warnings in --json); --strict fails each such model", () => {
    const dir = tempDir();
    copyFileSync(onnx, join(dir, "a.onnx"));
    copyFileSync(join(samples, "repvgg-sample.safetensors"), join(dir, "b.safetensors"));
    const r = reparam("convert", join(dir, "a.onnx"), join(dir, "b.safetensors"), "--exclude", "stage1/*", "--json");
    expect(r.code, r.stderr).toBe(0);
    const models = (JSON.parse(r.stdout) as { models: { warnings: string[] }[] }).models;
    // ONNX names its blocks /stage1/stage1.0, the state dict stage1.0: only the first has a stage1/ segment.
    expect(models.map((m) => m.warnings.length)).toEqual([0, 1]);
    expect(r.stderr).toMatch(/b\.safetensors: warning: --exclude 'stage1\/\*' matches no block/);
    const strict = reparam(
      "convert",
      join(dir, "a.onnx"),
      join(dir, "b.safetensors"),
      "--exclude",
      "head*",
      "--strict",
      "--force",
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr.match(/error CLI_EXCLUDE_NO_MATCH/g)).toHaveLength(2);
  });
});

describe("reparam convert --quiet", () => {
  it("prints nothing but errors: no summary, no warning", () => {
    const dir = tempDir();
    const r = reparam("convert", onnx, "-o", join(dir, "m.onnx"), "--exclude", "head*", "-q");
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "", ""]);
    const e = reparam("convert", onnx, "-o", join(dir, "m.onnx"), "-q");
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^error CLI_OUTPUT_EXISTS/m);
  });
});

describe("reparam's errors on missing and malformed files", () => {
  it("refuses -o into a folder that does not exist with CLI_OUTPUT_DIR_MISSING and a hint, creating nothing", () => {
    const dir = tempDir();
    const r = reparam("convert", onnx, "-o", join(dir, "missing", "m.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CLI_OUTPUT_DIR_MISSING: .*missing/m);
    expect(r.stderr).toMatch(/^hint: create it first \(mkdir -p/m);
    expect(listing(dir)).toEqual([]);
  });

  it("answers verify on a missing file as convert does: CLI_FILE_NOT_FOUND with a hint", () => {
    for (const args of [
      ["/nonexistent/a.onnx", onnx],
      [onnx, "/nonexistent/b.onnx"],
    ]) {
      const r = reparam("verify", ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error CLI_FILE_NOT_FOUND: .*\/nonexistent\//m);
      expect(r.stderr).toMatch(/^hint: /m);
    }
  });

  it("adds a hint to an error about a cut file (convert, inspect), in every format", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "cut.onnx"), readFileSync(onnx).subarray(0, 300));
    writeFileSync(
      join(dir, "cut.safetensors"),
      readFileSync(join(samples, "repvgg-sample.safetensors")).subarray(0, 100),
    );
    cpSync(join(samples, "repvgg-sample-tfjs", "model.json"), join(dir, "web", "model.json"), { recursive: true });
    for (const [args, code] of [
      [["convert", join(dir, "cut.onnx")], /^error ONNX_/m],
      [["inspect", join(dir, "cut.onnx")], /^error ONNX_/m],
      [["convert", join(dir, "cut.safetensors")], /^error SAFETENSORS_/m],
      [["convert", join(dir, "web")], /^error CLI_FILE_NOT_FOUND/m],
    ] as const) {
      const r = reparam(...args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(code);
      expect(r.stderr).toMatch(/^hint: is this a complete .*\? Export it again or download it again$/m);
    }
  });
});

describe("reparam convert on a model in deploy form", () => {
  it.each([
    ["onnx", onnx, "a.onnx", "a.deploy.onnx"],
    ["safetensors", join(samples, "repvgg-sample.safetensors"), "a.safetensors", "a.deploy.safetensors"],
    ["tfjs", join(samples, "repvgg-sample-tfjs"), "web", "web.deploy"],
    ["pytorch", `${fixturesDir}pth/timm_repvgg.train_ckpt.pth`, "a.pth", "a.deploy.pth"],
  ])(
    "%s: writes the model unchanged with a 'nothing to fuse' warning, exit 0; --strict fails",
    (_, train, name, out) => {
      const dir = tempDir();
      if (name === "web") cpSync(train, join(dir, name), { recursive: true });
      else copyFileSync(train, join(dir, name));
      expect(reparam("convert", join(dir, name), "-q").code).toBe(0);
      const deploy = join(dir, out);
      const again = reparam("convert", deploy, "-o", join(dir, "again"), "--json");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/^warning: nothing to fuse: no re-parameterizable block found/m);
      const json = JSON.parse(again.stdout) as { report: { blocksFound: number }; warnings: string[] };
      expect(json.report.blocksFound).toBe(0);
      expect(json.warnings[0]).toMatch(/^nothing to fuse/);
      expect(bytesOf(join(dir, "again"))).toEqual(bytesOf(deploy));
      const strict = reparam("convert", deploy, "-o", join(dir, "strict"), "--strict");
      expect(strict.code).toBe(1);
      expect(strict.stderr).toMatch(/^error CLI_NOTHING_TO_FUSE: /m);
      expect(listing(dir)).not.toContain("strict");
    },
  );
});
