import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exampleFixtures, readmeExamples, runExample } from "./readme-examples.js";

// Inside the CLI's node_modules: the examples import the workspace's built packages (dist) from there,
// and @reparam/validate finds its runtimes (its dev dependencies) beside its own files.
const base = fileURLToPath(new URL("../node_modules/.readme-examples/", import.meta.url));
const root = fileURLToPath(new URL("../../../", import.meta.url));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("README examples of the published packages", () => {
  const examples = readmeExamples();

  it("has a runnable example for every published library", () => {
    const labels = examples.map((e) => e.label.replace(/#\d+$/, ""));
    for (const p of ["core", "onnx", "tfjs", "safetensors", "pytorch", "validate"])
      expect(labels, p).toContain(`@reparam/${p}`);
  });

  it("type-checks every example against the built packages' types under the repository's strict settings", () => {
    const dir = join(base, "typecheck");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = examples.map((e) => `${e.label.replace(/[@/#]/g, "_")}.ts`);
    examples.forEach((e, i) => writeFileSync(join(dir, files[i]!), e.code));
    const tsconfig = {
      extends: join(root, "tsconfig.base.json"),
      compilerOptions: { types: ["node"], noEmit: true },
      files,
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it.each(examples.map((e) => [e.label, e] as const))(
    "runs %s as written, next to the sample files",
    (label, example) => {
      const dir = join(base, label.replace(/[@/#]/g, "_"));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      exampleFixtures(dir);
      const r = runExample(example, dir);
      expect(r.stderr, label).toBe("");
      expect(r.code, label).toBe(0);
      expect(r.stdout.trim(), label).not.toBe("");
      if (example.needsRuntime) expect(r.stdout).toContain("PASSED");
    },
    60_000,
  );
});
