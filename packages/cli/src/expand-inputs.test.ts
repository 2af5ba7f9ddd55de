import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandInputs } from "./expand-inputs.js";

/** A folder with models, a TF.js folder, a hidden file and a previous run's outputs. */
function sampleTree(): string {
  const dir = mkdtempSync(join(tmpdir(), "reparam-glob-"));
  for (const f of ["a.onnx", "a.deploy.onnx", "b.onnx", ".hidden.onnx", "c.safetensors", "notes.txt"])
    writeFileSync(join(dir, f), "");
  for (const d of ["web", "web.deploy", "sub/x", "sub/y"]) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, "web", "model.json"), "{}");
  writeFileSync(join(dir, "sub", "x", "m.onnx"), "");
  writeFileSync(join(dir, "sub", "y", "m.onnx"), "");
  return dir;
}

describe("expandInputs", () => {
  it("keeps an argument without * as it is, existing or not", async () => {
    expect(await expandInputs(["/no/such/model.onnx"])).toEqual([
      { arg: "/no/such/model.onnx", pattern: false, paths: ["/no/such/model.onnx"] },
    ]);
  });

  it("matches * within one segment, sorted, skipping hidden names and a previous run's outputs", async () => {
    const dir = sampleTree();
    const [onnx, all] = await expandInputs([join(dir, "*.onnx"), join(dir, "*")]);
    expect(onnx).toEqual({
      arg: join(dir, "*.onnx"),
      pattern: true,
      paths: [join(dir, "a.onnx"), join(dir, "b.onnx")],
    });
    expect(all?.paths).toEqual(
      ["a.onnx", "b.onnx", "c.safetensors", "notes.txt", "sub", "web"].map((n) => join(dir, n)),
    );
  });

  it("walks folders for * in a middle segment and matches a hidden name only when the pattern starts with a dot", async () => {
    const dir = sampleTree();
    const [nested, hidden] = await expandInputs([join(dir, "sub", "*", "m.onnx"), join(dir, ".*.onnx")]);
    expect(nested?.paths).toEqual([join(dir, "sub", "x", "m.onnx"), join(dir, "sub", "y", "m.onnx")]);
    expect(hidden?.paths).toEqual([join(dir, ".hidden.onnx")]);
  });

  it("returns no paths for a pattern that matches nothing", async () => {
    const dir = sampleTree();
    expect(await expandInputs([join(dir, "*.pt"), join(dir, "nope", "*.onnx")])).toEqual([
      { arg: join(dir, "*.pt"), pattern: true, paths: [] },
      { arg: join(dir, "nope", "*.onnx"), pattern: true, paths: [] },
    ]);
  });

  it("takes a name with * that exists as it is, not as a pattern", async () => {
    const dir = sampleTree();
    writeFileSync(join(dir, "odd*.onnx"), "");
    expect(await expandInputs([join(dir, "odd*.onnx")])).toEqual([
      { arg: join(dir, "odd*.onnx"), pattern: false, paths: [join(dir, "odd*.onnx")] },
    ]);
  });

  it("leaves out NAME.deploy/ folders beside the NAME.json models of a shared folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-glob-"));
    for (const f of ["a.json", "b.json"]) writeFileSync(join(dir, f), "{}");
    mkdirSync(join(dir, "a.deploy"));
    writeFileSync(join(dir, "a.deploy", "model.json"), "{}");
    const [all] = await expandInputs([join(dir, "*")]);
    expect(all?.paths).toEqual([join(dir, "a.json"), join(dir, "b.json")]);
  });
});
