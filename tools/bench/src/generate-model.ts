import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { generator, root } from "./paths.js";

/** Generates (once; reused when present) a benchmark model with tools/models. */
export function generateModel(arch: string, format: string, out: string, extra: readonly string[] = []): string {
  if (existsSync(out)) return out;
  // Generate beside the target and rename, so an interrupted run leaves no half model to reuse.
  const tmp = `${out}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync("pnpm", ["exec", "tsx", generator, "--arch", arch, "--format", format, "--out", tmp, ...extra], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`generating ${arch} ${format} failed:\n${r.stderr}`);
  }
  renameSync(tmp, out);
  return out;
}
