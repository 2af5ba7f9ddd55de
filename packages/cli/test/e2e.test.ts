import { copyFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeModel, encodeModel } from "@reparam/onnx";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixturesDir } from "../../../tools/conformance/src/index.js";
import { listing, reparam, tempDir } from "./run-cli.js";

const F = fixturesDir;

describe("reparam convert / inspect / verify, per format (built CLI, real files)", () => {
  it.each(conformanceCases().map((c) => c.name))("onnx %s: converts with --json, inspects and verifies", (name) => {
    const dir = tempDir();
    copyFileSync(`${F}${name}.train.onnx`, join(dir, "m.onnx"));
    const conv = reparam("convert", join(dir, "m.onnx"), "--json");
    expect(conv.code).toBe(0);
    const out = JSON.parse(conv.stdout) as {
      command: string;
      output: string;
      format: string;
      report: { fused: unknown[]; refused: unknown[]; parameters: { before: number; after: number } };
    };
    expect(out.command).toBe("convert");
    expect(out.format).toBe("onnx");
    expect(out.output).toBe(join(dir, "m.deploy.onnx"));
    expect(out.report.refused).toEqual([]);
    expect(out.report.parameters.after).toBeLessThan(out.report.parameters.before);
    expect(listing(dir)).toEqual(["m.deploy.onnx", "m.onnx"]);
    const insp = reparam("inspect", join(dir, "m.onnx"), "--json");
    expect(insp.code).toBe(0);
    const blocks = (JSON.parse(insp.stdout) as { blocks: Array<{ status: string }> }).blocks;
    expect(blocks.filter((b) => b.status === "fuse")).toHaveLength(out.report.fused.length);
    const ver = reparam("verify", join(dir, "m.onnx"), join(dir, "m.deploy.onnx"), "--backend", "cpu", "--json");
    expect(ver.code).toBe(0);
    expect((JSON.parse(ver.stdout) as { passed: boolean }).passed).toBe(true);
  });

  it("converts safetensors byte-identically to the reference deploy state dict, and verify passes", () => {
    const dir = tempDir();
    const r = reparam("convert", `${F}timm_repvgg.train.safetensors`, "-o", join(dir, "d.safetensors"), "--json");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "d.safetensors")).equals(readFileSync(`${F}timm_repvgg.deploy.safetensors`))).toBe(
      true,
    );
    const v = reparam("verify", `${F}timm_repvgg.train.safetensors`, join(dir, "d.safetensors"), "--json");
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ format: "safetensors", passed: true, identical: true });
  });

  it("converts a tfjs layers model folder to a sibling folder, and verify passes", () => {
    const dir = tempDir();
    cpSync(`${F}tfjs/repvgg_tiny/layers`, join(dir, "web"), { recursive: true });
    const r = reparam("convert", join(dir, "web"), "--json");
    expect(r.code).toBe(0);
    expect(listing(dir)).toEqual(["web", "web.deploy"]);
    expect(listing(join(dir, "web.deploy"))).toContain("model.json");
    // The output folder has the mode mkdir gives under this umask (0755 under 022), not mkdtemp's 0700.
    mkdirSync(join(dir, "probe"));
    expect(statSync(join(dir, "web.deploy")).mode & 0o777).toBe(statSync(join(dir, "probe")).mode & 0o777);
    const v = reparam("verify", join(dir, "web"), join(dir, "web.deploy"), "--backend", "cpu", "--json");
    expect(v.code).toBe(0);
  });
});

describe("convert --verify", () => {
  it("verifies right after converting (onnx runs both models; safetensors checks blocks and bytes) and adds `verify` to --json", () => {
    const dir = tempDir();
    copyFileSync(`${F}mobileone.train_unfolded.onnx`, join(dir, "m.onnx"));
    const r = reparam("convert", join(dir, "m.onnx"), "--verify", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ command: "convert", verify: { format: "onnx", passed: true } });
    const s = reparam("convert", `${F}qarepvgg.train.safetensors`, "-o", join(dir, "q.safetensors"), "--verify");
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/identical to a fresh conversion/);
    expect(s.stdout).toMatch(/PASSED/);
  });
});

describe("reparam on errors: documented exit codes, messages, nothing left behind", () => {
  it("exits 1 with CLI_FILE_NOT_FOUND when the file is missing", () => {
    const r = reparam("convert", "/nonexistent/model.onnx");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error CLI_FILE_NOT_FOUND: /m);
  });

  it("exits 1 with CLI_UNKNOWN_FORMAT for an unknown format", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "hello");
    const r = reparam("convert", join(dir, "notes.txt"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error CLI_UNKNOWN_FORMAT/);
    expect(listing(dir)).toEqual(["notes.txt"]);
  });

  it("exits 1 with CLI_OUTPUT_EXISTS when the output exists, unless --force; never overwrites the input", () => {
    const dir = tempDir();
    copyFileSync(`${F}acnet.train.onnx`, join(dir, "a.onnx"));
    writeFileSync(join(dir, "a.deploy.onnx"), "old");
    const r = reparam("convert", join(dir, "a.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error CLI_OUTPUT_EXISTS/);
    expect(r.stderr).toMatch(/hint: pass --force/);
    expect(readFileSync(join(dir, "a.deploy.onnx"), "utf8")).toBe("old");
    expect(reparam("convert", join(dir, "a.onnx"), "--force").code).toBe(0);
    const same = reparam("convert", join(dir, "a.onnx"), "-o", join(dir, "a.onnx"), "--force");
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/CLI_OUTPUT_IS_INPUT/);
    expect(listing(dir)).toEqual(["a.deploy.onnx", "a.onnx"]);
  });

  it("exits 1 on corrupted input, leaving no output and no temporary files", () => {
    const dir = tempDir();
    const bytes = readFileSync(`${F}acnet.train.onnx`);
    writeFileSync(join(dir, "t.onnx"), bytes.subarray(0, bytes.length - 100));
    const r = reparam("convert", join(dir, "t.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ONNX_/m);
    expect(listing(dir)).toEqual(["t.onnx"]);
    const st = readFileSync(`${F}acnet.train.safetensors`);
    writeFileSync(join(dir, "s.safetensors"), st.subarray(0, 100));
    const s = reparam("convert", join(dir, "s.safetensors"));
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^error SAFETENSORS_/m);
    expect(listing(dir)).toEqual(["s.safetensors", "t.onnx"]);
  });

  it("catches a weight changed by 1e-2 in verify and exits 3", () => {
    const dir = tempDir();
    copyFileSync(`${F}repvgg_tiny.train.onnx`, join(dir, "m.onnx"));
    expect(reparam("convert", join(dir, "m.onnx")).code).toBe(0);
    const model = decodeModel(new Uint8Array(readFileSync(join(dir, "m.deploy.onnx"))));
    const w = model.graph!.initializer.find((t) => t.dims.length === 4)!;
    const raw = new Uint8Array(w.rawData);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    view.setFloat32(0, view.getFloat32(0, true) + 1e-2, true);
    w.rawData = raw;
    writeFileSync(join(dir, "bad.onnx"), encodeModel(model));
    const r = reparam("verify", join(dir, "m.onnx"), join(dir, "bad.onnx"), "--backend", "cpu");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL/i);
  });

  it("exits 1 with commander's message for bad option values", () => {
    const r = reparam("convert", "x.onnx", "--dtype", "f8");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--dtype/);
  });
});
