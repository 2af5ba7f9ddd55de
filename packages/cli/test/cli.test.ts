import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const bin = `${pkg}dist/bin.js`;

/** Runs the built CLI. */
function reparam(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("reparam (built CLI)", () => {
  beforeAll(() => {
    // `npm test` builds everything first (scripts/setup.sh); these tests run the real binary.
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first`);
  });

  it("prints help and version", () => {
    const help = reparam("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: reparam");
    const v = reparam("--version");
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("fuses the built-in example block", () => {
    const r = reparam("example");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("one 3x3 conv");
    expect(r.stdout.split("\n").filter((l) => /^\s+\d\s+\d\s/.test(l))).toHaveLength(4);
  });

  it("exits 1 on an unknown command, with the help hint", () => {
    const r = reparam("frobnicate");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown command");
  });

  it("answers a mistyped flag in three lines: the error, the suggestion, the hint (not the whole help)", () => {
    const r = reparam("convert", "--forse", "x.onnx");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      "error: unknown option '--forse'",
      "(Did you mean --force?)",
      "(add --help for usage)",
    ]);
  });

  it("exits quietly when its reader closes the pipe early (| head)", async () => {
    const child = spawn(process.execPath, [bin, "convert", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // the reader is gone before the help is written
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });
});
