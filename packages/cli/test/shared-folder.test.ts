// Issue #22 section 3: TF.js models shipped many to a folder (`NAME.json` + `NAME.bin` side by side).
// Each is its own model: its input size is its own files', its default output is its own
// (`NAME.deploy/`), a batch over `dir/*.json` writes one output per model, and `--force` replaces
// only that model's output.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isReparamError } from "@reparam/core";
import { convertModel } from "../src/convert-model.js";
import { resolveModel } from "../src/resolve-model.js";
import { formatVerify, verifyModel } from "../src/verify-model.js";
import { manifestBytes, writeSharedFolder } from "./_shared-folder-models.js";
import { reparam, tempDir } from "./run-cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder of models side by side, and their names. */
function sharedFolder(): { dir: string; names: string[] } {
  const dir = tempDir();
  dirs.push(dir);
  return { dir, names: writeSharedFolder(dir) };
}

/** Bytes of every file under `dir`. */
const pathSize = (dir: string): number =>
  readdirSync(dir, { recursive: true })
    .map((n) => statSync(join(dir, String(n))))
    .reduce((sum, s) => sum + (s.isFile() ? s.size : 0), 0);

/** Every file under `dir` (relative path -> bytes). */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = join(dir, n);
    if (statSync(p).isFile()) out.set(n, readFileSync(p).toString("base64"));
  }
  return out;
}

interface BatchJson {
  ok: number;
  failed: number;
  models: Array<{
    status: string;
    input: string;
    output?: string;
    bytes?: { input: number; output: number };
    error?: { code: string };
    verify?: { passed: boolean };
  }>;
}

describe("TF.js models that share a folder", () => {
  it("detects NAME.json as TF.js and refuses a JSON file that is not a model with CLI_UNKNOWN_FORMAT", async () => {
    const { dir, names } = sharedFolder();
    for (const n of names) expect((await resolveModel(join(dir, `${n}.json`))).adapter.format).toBe("tfjs");
    // Keys sorted and pretty-printed (as a tool that rewrites the JSON leaves it): the TF.js marker is past the first 64 bytes.
    const json = JSON.parse(readFileSync(join(dir, "seed0.json"), "utf8")) as Record<string, unknown>;
    const sorted = Object.fromEntries(
      Object.keys(json)
        .sort()
        .map((k) => [k, json[k]]),
    );
    writeFileSync(join(dir, "sorted.json"), JSON.stringify(sorted, null, 4));
    expect(readFileSync(join(dir, "sorted.json"), "latin1").indexOf('"format"')).toBeGreaterThan(64);
    expect((await resolveModel(join(dir, "sorted.json"))).adapter.format).toBe("tfjs");
    const e = await resolveModel(join(dir, "labels.json")).catch((x: unknown) => x);
    expect(isReparamError(e) && e.code).toBe("CLI_UNKNOWN_FORMAT");
  });

  it("reports the model's own files as its input size, not the folder's", async () => {
    const { dir } = sharedFolder();
    const folder = pathSize(dir);
    const r = await convertModel(join(dir, "seed0.json"), { progress: false });
    const own = manifestBytes("seed0.json", dir);
    console.log(`seed0.json: input ${r.bytes.input} bytes (its own files ${own}; the folder before ${folder})`);
    expect(r.bytes.input).toBe(own);
    expect(own).toBeLessThan(folder / 2);
    expect(r.input).toBe(join(dir, "seed0.json"));
    expect(r.output).toBe(join(dir, "seed0.deploy"));
    expect(r.bytes.output).toBe(pathSize(r.output));
    expect(r.report.fused.length).toBeGreaterThan(0);
  }, 300_000);

  it("gives each model its own default output, and --force replaces only that model's", async () => {
    const { dir, names } = sharedFolder();
    const outputs = [];
    for (const n of names) outputs.push((await convertModel(join(dir, `${n}.json`), { progress: false })).output);
    expect(outputs).toEqual(names.map((n) => join(dir, `${n}.deploy`)));
    for (const o of outputs) expect(readdirSync(o).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
    const others = new Map(outputs.slice(1).map((o) => [o, tree(o)]));
    const again = await convertModel(join(dir, "seed0.json"), { progress: false }).catch((x: unknown) => x);
    expect(isReparamError(again) && again.code).toBe("CLI_OUTPUT_EXISTS");
    const first = tree(outputs[0]!);
    const forced = await convertModel(join(dir, "seed0.json"), { progress: false, force: true });
    expect(forced.output).toBe(outputs[0]);
    expect(tree(outputs[0]!)).toEqual(first);
    for (const [o, files] of others) expect(tree(o), o).toEqual(files);
    // The inputs are as they were: nothing was written beside them but the outputs.
    expect(readdirSync(dir).sort()).toEqual(
      [...names.flatMap((n) => [`${n}.bin`, `${n}.deploy`, `${n}.json`]), "labels.json"].sort(),
    );
  }, 300_000);

  it("converts a batch over dir/*.json into one output per model, with each model's status and verdict in --json", () => {
    const { dir, names } = sharedFolder();
    const r = reparam("convert", join(dir, "*.json"), "--json");
    // labels.json is refused; the models are converted all the same.
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as BatchJson;
    expect([j.ok, j.failed]).toEqual([names.length, 1]);
    const byInput = new Map(j.models.map((m) => [m.input, m]));
    expect(byInput.get(join(dir, "labels.json"))).toMatchObject({
      status: "error",
      error: { code: "CLI_UNKNOWN_FORMAT" },
    });
    for (const n of names) {
      const m = byInput.get(join(dir, `${n}.json`));
      expect(m, n).toMatchObject({ status: "ok", output: join(dir, `${n}.deploy`) });
      expect(m?.bytes?.input, n).toBe(manifestBytes(`${n}.json`, dir));
    }
    // Into a folder with -o: the same names there. A second run over the pattern leaves the outputs out.
    const out = join(dir, "out");
    mkdirSync(out);
    const o = reparam("convert", join(dir, "seed*.json"), "-o", out, "--verify", "--json");
    expect(o.code, o.stderr).toBe(0);
    // --verify runs each NAME.json against its own output (TF.js cpu), each verdict in its entry.
    const verified = (JSON.parse(o.stdout) as BatchJson).models;
    expect(verified.map((m) => [m.status, m.verify?.passed])).toEqual(names.map(() => ["ok", true]));
    expect(readdirSync(out).sort()).toEqual(names.map((n) => `${n}.deploy`));
    for (const n of names) expect(tree(join(out, `${n}.deploy`))).toEqual(tree(join(dir, `${n}.deploy`)));
  }, 300_000);

  it("writes converted models that run equivalent to their originals on TF.js cpu", async () => {
    const { dir, names } = sharedFolder();
    for (const n of names) {
      const c = await convertModel(join(dir, `${n}.json`), { progress: false });
      const v = await verifyModel(c.input, c.output, { backend: "cpu" });
      expect(v.passed, formatVerify(v)).toBe(true);
      expect(v.report?.samples.length ?? 0, n).toBeGreaterThan(0);
    }
  }, 300_000);
});
