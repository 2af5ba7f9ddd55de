import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { generator, root } from "./paths.js";

/** Generates (once; reused when present) a benchmark model with tools/models. */
export function generateModel(arch: string, format: string, out: string, extra: readonly string[] = []): string {
  if (existsSync(out)) return out;
  const r = spawnSync("pnpm", ["exec", "tsx", generator, "--arch", arch, "--format", format, "--out", out, ...extra], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`generating ${arch} ${format} failed:\n${r.stderr}`);
  }
  return out;
}
