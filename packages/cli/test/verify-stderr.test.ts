import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reparam, tempDir } from "./run-cli.js";

const samples = fileURLToPath(new URL("../../../tools/models/samples/", import.meta.url));

describe("reparam verify on a machine without a GPU", () => {
  it.each([
    ["ONNX", "repvgg-sample.onnx", "s.deploy.onnx"],
    ["TF.js", "repvgg-sample-tfjs", "s-deploy"],
  ])(
    "prints nothing native on stderr for the %s sample (a skipped WebGPU backend is reported on stdout only)",
    (_, sample, out) => {
      const dir = tempDir();
      const converted = join(dir, out);
      expect(reparam("convert", join(samples, sample), "-o", converted).code).toBe(0);
      const r = reparam("verify", join(samples, sample), converted);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/Vulkan|Dawn/);
      expect(r.stderr).toBe("");
    },
    60_000,
  );
});
