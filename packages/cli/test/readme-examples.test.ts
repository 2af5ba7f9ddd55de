import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exampleFixtures, readmeExamples, runExample } from "./readme-examples.js";

// Inside the CLI's node_modules: the examples import the workspace's built packages (dist) from there,
// and @reparam/validate finds its runtimes (its dev dependencies) beside its own files.
const base = fileURLToPath(new URL("../node_modules/.readme-examples/", import.meta.url));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("README examples of the published packages", () => {
  const examples = readmeExamples();

  it("has a runnable example for every published library", () => {
    const labels = examples.map((e) => e.label.replace(/#\d+$/, ""));
    for (const p of ["core", "onnx", "tfjs", "safetensors", "pytorch", "validate"])
      expect(labels, p).toContain(`@reparam/${p}`);
  });

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
