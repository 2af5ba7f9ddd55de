import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { reparam, tempDir } from "./run-cli.js";

const schemaPath = fileURLToPath(new URL("../schema/reparam-report.schema.json", import.meta.url));
// strictRequired off: a required field may be defined in an allOf (convertFields), which that check does not follow.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
const samples = fileURLToPath(new URL("../../../tools/models/samples/", import.meta.url));

/** Runs the CLI with `--json`, checks the exit status and that stdout is one object the schema accepts. */
function jsonOf(status: number, ...args: string[]): Record<string, unknown> {
  const r = reparam(...args, "--json");
  expect(r.code, r.stderr).toBe(status);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(validate(out) ? [] : validate.errors).toEqual([]);
  return out;
}

interface Block {
  name: string;
  id: string;
  branches: string[];
  stride: number[];
  groups: number;
  status?: string;
}

describe("the --json report schema (packages/cli/schema/reparam-report.schema.json)", () => {
  it.each(["repvgg-sample.onnx", "repvgg-sample.safetensors", "repvgg-sample-tfjs"])(
    "accepts convert and inspect of %s, which report each fused block with the same facts and a unique id",
    (sample) => {
      const dir = tempDir();
      const out = join(dir, sample.endsWith("tfjs") ? "deploy" : `deploy-${sample}`);
      const conv = jsonOf(0, "convert", join(samples, sample), "-o", out);
      const insp = jsonOf(0, "inspect", join(samples, sample));
      expect([conv.schemaVersion, insp.schemaVersion]).toEqual([1, 1]);
      const fused = (conv.report as { fused: Block[] }).fused;
      const would = (insp.blocks as Block[]).filter((b) => b.status === "fuse");
      expect(fused.length).toBeGreaterThan(0);
      const facts = (b: Block) => ({
        name: b.name,
        id: b.id,
        branches: b.branches,
        stride: b.stride,
        groups: b.groups,
      });
      expect(fused.map(facts)).toEqual(would.map(facts));
      const ids = (insp.blocks as Block[]).map((b) => b.id);
      expect(ids.every((id) => typeof id === "string" && id !== "")).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(typeof (conv.report as { details: Record<string, unknown> }).details).toBe("object");
      expect(conv.warnings).toEqual([]);
    },
  );

  it("types the format facts: counts as numbers, yes/no as booleans", () => {
    const insp = jsonOf(0, "inspect", join(samples, "repvgg-sample.onnx"));
    expect(insp.details).toMatchObject({ opset: 13, ir_version: 7, external_data: false, dtype: "float32" });
    const st = jsonOf(0, "inspect", join(samples, "repvgg-sample.safetensors"));
    expect(st.details).toMatchObject({ files: 1 });
    expect(typeof (st.details as { tensors: unknown }).tensors).toBe("number");
  });

  it("accepts a batch with a failed model (models[] with an error entry) and exits 1", () => {
    const dir = tempDir();
    cpSync(join(samples, "repvgg-sample.onnx"), join(dir, "a.onnx"));
    cpSync(join(samples, "repvgg-sample-tfjs"), join(dir, "web"), { recursive: true });
    writeFileSync(join(dir, "bad.onnx"), new Uint8Array([8, 7, 0xff, 0xff, 0xff]));
    const out = jsonOf(1, "convert", join(dir, "a.onnx"), join(dir, "web"), join(dir, "bad.onnx"));
    const models = out.models as Array<{ status: string; error?: { code: string; hint?: string } }>;
    expect(models.map((m) => m.status)).toEqual(["ok", "ok", "error"]);
    expect(models[2]?.error?.code).toMatch(/^ONNX_/);
    expect([out.ok, out.failed, out.schemaVersion]).toEqual([2, 1, 1]);
  });

  it("accepts verify --json of a state dict, and convert --verify --json with its verify field", () => {
    const dir = tempDir();
    const out = join(dir, "d.safetensors");
    const conv = jsonOf(0, "convert", join(samples, "repvgg-sample.safetensors"), "-o", out, "--verify");
    expect(conv.verify).toMatchObject({ command: "verify", passed: true });
    const v = jsonOf(0, "verify", join(samples, "repvgg-sample.safetensors"), out);
    expect(v).toMatchObject({ schemaVersion: 1, command: "verify", passed: true, identical: true });
  });

  it("rejects what it does not describe (a stride as text, a missing schemaVersion)", () => {
    const insp = JSON.parse(reparam("inspect", join(samples, "repvgg-sample.onnx"), "--json").stdout) as {
      blocks: Array<Record<string, unknown>>;
    };
    const textStride = { ...insp, blocks: insp.blocks.map((b) => ({ ...b, stride: "1x1" })) };
    expect(validate(textStride)).toBe(false);
    const { schemaVersion: _, ...unversioned } = insp as Record<string, unknown>;
    expect(validate(unversioned)).toBe(false);
  });
});
