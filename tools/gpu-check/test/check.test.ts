// The GPU check's script, run here as it is (not bundled) against the built
// packages: with no GPU it must still validate everything, on the CPU, and
// print why WebGPU was skipped. (prepare.sh and run.sh need the network and
// minutes; see README.md for how they were tried.)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../check.mjs", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../../../packages/validate/dist/index.js", import.meta.url)));

describe.skipIf(!built)("gpu-check/check.mjs", () => {
  it("falls back to the CPU with the reason printed, and passes", () => {
    const r = spawnSync(process.execPath, [script, "--runs", "2", "--size", "32"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}onnx repvgg_tiny +onnxruntime-node (cpu|webgpu)/m);
    expect(r.stdout).toMatch(/^ok {3}tfjs acnet +tfjs (wasm|webgpu)/m);
    expect(r.stdout).toMatch(/^ok {3}onnx repvgg-a0 /m);
    expect(r.stdout).toMatch(/^14\/14 passed/m);
    if (/; 0\/14 ran on WebGPU/.test(r.stdout)) {
      expect(r.stdout).toMatch(/skipped onnxruntime-node webgpu: original model: no GPU adapter/);
      expect(r.stdout).toMatch(/skipped tfjs webgpu: original model: no GPU adapter/);
    }
  });

  it("exits 4 with --require-gpu when something ran off the GPU", () => {
    const r = spawnSync(process.execPath, [script, "--runs", "0", "--skip-a0", "--require-gpu"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    if (/; 13\/13 ran on WebGPU/.test(r.stdout)) return;
    expect(r.status, r.stdout + r.stderr).toBe(4);
  });
});
