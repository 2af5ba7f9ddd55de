// `reparam convert` with several inputs or a pattern, on the built CLI and models written by tools/models.
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateModel } from "../../../tools/models/src/generate-model.js";
import { SMALL_ARCHS } from "../../../tools/models/test/small-archs.js";
import { listing, reparam, tempDir } from "./run-cli.js";

/** The models every test copies: an ONNX model, a safetensors state dict, a TF.js folder, and two more ONNX ones. */
let models: string;

beforeAll(async () => {
  models = tempDir();
  const gen = (arch: string, format: Parameters<typeof generateModel>[1]["format"], out: string) =>
    generateModel(SMALL_ARCHS[arch]!, { format, out: join(models, out), seed: 5 });
  await gen("repvgg-sample", "onnx", "m.onnx");
  await gen("mobileone", "safetensors", "s.safetensors");
  await gen("acnet", "tfjs-layers", "web");
  await gen("dbb", "onnx", "dbb.onnx");
  await gen("qarepvgg", "onnx-folded", "qa.onnx");
});

/** A fresh folder holding copies of the named models (and `bad.onnx`, a truncated m.onnx, when asked). */
function batchDir(names: readonly string[], bad = false): string {
  const dir = tempDir();
  for (const n of names) cpSync(join(models, n), join(dir, n), { recursive: true });
  if (bad) {
    const bytes = readFileSync(join(models, "m.onnx"));
    writeFileSync(join(dir, "bad.onnx"), bytes.subarray(0, bytes.length - 1000));
  }
  return dir;
}

/** Every file under `dir` (relative path -> bytes). */
function tree(dir: string, prefix = ""): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) for (const [k, v] of tree(p, `${prefix}${n}/`)) out.set(k, v);
    else out.set(`${prefix}${n}`, readFileSync(p));
  }
  return out;
}

interface BatchJson {
  command: string;
  ok: number;
  failed: number;
  seconds: number;
  models: Array<Record<string, unknown> & { status: string; input: string }>;
}

describe("a batch conversion", () => {
  it("converts every model of a batch, reports the corrupt one with its code, exits 1 and leaves nothing for it", () => {
    const dir = batchDir(["m.onnx", "s.safetensors", "web"], true);
    const at = (n: string) => join(dir, n);
    const r = reparam("convert", at("m.onnx"), at("s.safetensors"), at("web"), at("bad.onnx"));
    expect(r.code).toBe(1);
    expect(listing(dir)).toEqual([
      "bad.onnx",
      "m.deploy.onnx",
      "m.onnx",
      "s.deploy.safetensors",
      "s.safetensors",
      "web",
      "web.deploy",
    ]);
    // One summary table on stdout, in input order: model, format, fused/refused, parameters, time, status.
    const rows = r.stdout.split("\n").filter((l) => l.startsWith(dir));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([at("m.onnx"), at("s.safetensors"), at("web"), at("bad.onnx")]);
    expect(rows.slice(0, 3).every((l) => / ok$/.test(l))).toBe(true);
    expect(rows[1]).toMatch(/ safetensors /);
    expect(rows[2]).toMatch(/ tfjs /);
    expect(rows[3]).toMatch(/ onnx .* error ONNX_[A-Z_]+$/);
    expect(r.stdout).toMatch(/^3 converted, 1 failed, /m);
    expect(r.stdout).toMatch(/^model +format +fused\/refused +parameters +time +status$/m);
    // One line per finished model on stderr; the failure the way the CLI prints errors.
    expect(r.stderr).toMatch(new RegExp(`^${at("bad.onnx")}: error ONNX_[A-Z_]+: `, "m"));
    expect(r.stderr.match(/^converted /gm)).toHaveLength(3);
    // Each output is what converting that model alone writes.
    const alone = batchDir(["m.onnx", "web"]);
    expect(reparam("convert", join(alone, "m.onnx")).code).toBe(0);
    expect(reparam("convert", join(alone, "web")).code).toBe(0);
    expect(readFileSync(at("m.deploy.onnx")).equals(readFileSync(join(alone, "m.deploy.onnx")))).toBe(true);
    expect(tree(at("web.deploy"))).toEqual(tree(join(alone, "web.deploy")));
  });

  it("prints one JSON object with each model's status and the single-model result, and no line per model", () => {
    const dir = batchDir(["m.onnx", "s.safetensors", "web"], true);
    const at = (n: string) => join(dir, n);
    const single = JSON.parse(reparam("convert", at("m.onnx"), "-o", at("one.onnx"), "--json").stdout) as Record<
      string,
      unknown
    >;
    expect(single).not.toHaveProperty("models");
    const r = reparam("convert", at("m.onnx"), at("s.safetensors"), at("web"), at("bad.onnx"), "--json");
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^converted /m);
    const out = JSON.parse(r.stdout) as BatchJson;
    expect(Object.keys(out).sort()).toEqual(["command", "failed", "models", "ok", "schemaVersion", "seconds"]);
    expect(out).toMatchObject({ command: "convert", ok: 3, failed: 1 });
    expect(out.seconds).toBeGreaterThan(0);
    expect(out.models.map((m) => [m.input, m.status])).toEqual([
      [at("m.onnx"), "ok"],
      [at("s.safetensors"), "ok"],
      [at("web"), "ok"],
      [at("bad.onnx"), "error"],
    ]);
    for (const m of out.models.slice(0, 3)) {
      // The single-model object's fields but its schemaVersion (the batch object has it), plus status.
      const fields = Object.keys(single).filter((k) => k !== "schemaVersion");
      expect(Object.keys(m).sort()).toEqual([...fields, "status"].sort());
      expect(m).toMatchObject({ command: "convert", report: { refused: [] } });
    }
    // The same report as a single conversion gives, but for the time it took.
    const { seconds: _took, ...sameReport } = single.report as { seconds?: unknown };
    expect(out.models[0]).toMatchObject({ output: at("m.deploy.onnx"), format: "onnx", report: sameReport });
    expect(out.models[1]).toMatchObject({ output: at("s.deploy.safetensors"), format: "safetensors" });
    expect(out.models[2]).toMatchObject({ output: at("web.deploy"), format: "tfjs" });
    const bad = out.models[3]!;
    expect(bad).toMatchObject({ format: "onnx", error: { code: expect.stringMatching(/^ONNX_/) } });
    expect(typeof (bad.error as { message: unknown }).message).toBe("string");
    expect(bad).not.toHaveProperty("output");
  });

  it("writes into the -o folder under the default names, and refuses -o that is not an existing folder with CLI_BAD_OPTION", () => {
    const dir = batchDir(["m.onnx", "s.safetensors", "web"]);
    const at = (n: string) => join(dir, n);
    mkdirSync(at("out"));
    const r = reparam("convert", at("m.onnx"), at("s.safetensors"), at("web"), "-o", at("out"), "--quiet");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(listing(at("out"))).toEqual(["m.deploy.onnx", "s.deploy.safetensors", "web.deploy"]);
    expect(listing(dir)).toEqual(["m.onnx", "out", "s.safetensors", "web"]);
    for (const o of [at("missing"), at("m.onnx")]) {
      const e = reparam("convert", at("m.onnx"), at("s.safetensors"), "-o", o);
      expect(e.code).toBe(1);
      expect(e.stderr).toMatch(
        /^error CLI_BAD_OPTION: for a batch \(several inputs, or a pattern\), -o must name an existing folder/m,
      );
      expect(e.stderr).toMatch(/^hint: create the folder first/m);
      expect(e.stdout).toBe("");
    }
    expect(listing(dir)).toEqual(["m.onnx", "out", "s.safetensors", "web"]);
  });

  it("fails with CLI_OUTPUT_CLASH a model whose output another model of the batch writes or reads", () => {
    const dir = batchDir([]);
    for (const sub of ["x", "y", "out"]) mkdirSync(join(dir, sub));
    cpSync(join(models, "m.onnx"), join(dir, "x", "m.onnx"));
    cpSync(join(models, "dbb.onnx"), join(dir, "y", "m.onnx"));
    const r = reparam("convert", join(dir, "x", "m.onnx"), join(dir, "y", "m.onnx"), "-o", join(dir, "out"), "--json");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as BatchJson).models).toMatchObject([
      { status: "ok", output: join(dir, "out", "m.deploy.onnx") },
      { status: "error", error: { code: "CLI_OUTPUT_CLASH" } },
    ]);
    expect(listing(join(dir, "out"))).toEqual(["m.deploy.onnx"]);
    // The deploy file of one input given as another input: it is read, never written over.
    const before = readFileSync(join(dir, "out", "m.deploy.onnx"));
    const s = reparam("convert", join(dir, "x", "m.onnx"), join(dir, "out", "m.deploy.onnx"), "-o", join(dir, "out"));
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/m\.onnx: error CLI_OUTPUT_CLASH: the output would overwrite another model of the batch/);
    expect(listing(join(dir, "out"))).toEqual(["m.deploy.deploy.onnx", "m.deploy.onnx"]);
    expect(readFileSync(join(dir, "out", "m.deploy.onnx")).equals(before)).toBe(true);
  });

  it("expands a quoted pattern itself, keeps a TF.js folder as one model and leaves out a previous run's outputs", () => {
    const dir = batchDir(["m.onnx", "dbb.onnx", "web"]);
    const first = JSON.parse(reparam("convert", join(dir, "*"), "--json").stdout) as BatchJson;
    expect(first.models.map((m) => [m.input, m.status])).toEqual([
      [join(dir, "dbb.onnx"), "ok"],
      [join(dir, "m.onnx"), "ok"],
      [join(dir, "web"), "ok"],
    ]);
    const again = reparam("convert", join(dir, "*.onnx"), "--force", "--json");
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as BatchJson;
    expect(second.models.map((m) => m.input)).toEqual([join(dir, "dbb.onnx"), join(dir, "m.onnx")]);
    const none = reparam("convert", join(dir, "*.safetensors"), join(dir, "m.onnx"), "--force");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/: error CLI_NO_MATCH: no file or folder matches the pattern/);
    expect(none.stdout).toMatch(/^1 converted, 1 failed, /m);
  });

  it("writes byte-identical outputs with --jobs 1 and --jobs 3", () => {
    const names = ["m.onnx", "s.safetensors", "web", "dbb.onnx", "qa.onnx"];
    const dir = batchDir(names);
    const outs = ["j1", "j3"].map((j) => join(dir, j));
    for (const o of outs) mkdirSync(o);
    const inputs = names.map((n) => join(dir, n));
    expect(reparam("convert", ...inputs, "-o", outs[0]!, "--jobs", "1").code).toBe(0);
    expect(reparam("convert", ...inputs, "-o", outs[1]!, "--jobs", "3").code).toBe(0);
    const [one, three] = outs.map((o) => tree(o));
    expect([...one!.keys()]).toHaveLength(names.length + 1); // web.deploy holds model.json and a shard
    expect(three).toEqual(one);
    const bad = reparam("convert", ...inputs, "--jobs", "0");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--jobs/);
  });

  it("verifies each model with --verify and reports the verification in its entry", () => {
    const dir = batchDir(["m.onnx", "s.safetensors"]);
    const r = reparam("convert", join(dir, "m.onnx"), join(dir, "s.safetensors"), "--verify", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as BatchJson;
    expect(out.models.map((m) => m.verify)).toMatchObject([
      { format: "onnx", passed: true },
      { format: "safetensors", passed: true, identical: true },
    ]);
  });
});
