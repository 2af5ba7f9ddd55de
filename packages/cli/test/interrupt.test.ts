import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturesDir } from "../../../tools/conformance/src/index.js";
import { writeBigSafetensors } from "./_big-safetensors.js";
import { listing, reparam, tempDir } from "./run-cli.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const TEMP = /^\.reparam-tmp-/;

let dir: string;
beforeAll(() => {
  dir = tempDir();
  // 16 RepVGG blocks of 512 channels: 160 MB in, 144 MB out, about half a second of writing.
  writeBigSafetensors(join(dir, "big.safetensors"), 16, 512);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The size of the largest file inside a temporary folder of `folder`, or -1 when there is no such folder. */
function stagedBytes(folder: string): number {
  let most = -1;
  for (const t of readdirSync(folder).filter((n) => TEMP.test(n))) {
    most = Math.max(most, 0);
    for (const f of readdirSync(join(folder, t))) {
      try {
        most = Math.max(most, statSync(join(folder, t, f)).size);
      } catch {
        // removed meanwhile
      }
    }
  }
  return most;
}

/** Converts in a child process and sends `signal` once the output is being written; resolves with how it ended. */
function interrupted(
  input: string,
  output: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; sent: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "convert", input, "-o", output], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let sent = false;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (!sent && stagedBytes(dir) > 0) {
        sent = true;
        child.kill(signal);
      }
    }, 1);
    child.on("exit", (code) => {
      clearInterval(poll);
      resolve({ code, stderr, sent });
    });
  });
}

describe("reparam convert interrupted", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)(
    "exits %s -> %i mid-write, leaving no temporary file and no output",
    async (signal, status) => {
      const out = join(dir, "big.deploy.safetensors");
      const run = await interrupted(join(dir, "big.safetensors"), out, signal);
      expect(run.sent, "the conversion ended before its output was being written").toBe(true);
      expect(run.code, run.stderr).toBe(status);
      expect(run.stderr).toMatch(new RegExp(`interrupted \\(${signal}\\)`));
      expect(listing(dir)).toEqual(["big.safetensors"]);
    },
    60_000,
  );
});

describe("reparam convert's stale temporary folders", () => {
  it("removes the folders of processes that no longer run, and only those", () => {
    const work = tempDir();
    copyFileSync(`${fixturesDir}acnet.train.onnx`, join(work, "a.onnx"));
    // A pid that has just ended (reused by another process within the test: vanishingly unlikely).
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = [`.reparam-tmp-${dead}-abc123`, `.reparam-tmp-${dead}-abc123-old`];
    const kept = [`.reparam-tmp-${process.pid}-live`, ".reparam-tmp-nopid", "reparam-tmp-1-other", "notes.txt"];
    for (const name of [...stale, ...kept.slice(0, 3)]) {
      mkdirSync(join(work, name));
      writeFileSync(join(work, name, "part.onnx"), "partial");
    }
    writeFileSync(join(work, "notes.txt"), "mine");
    const r = reparam("convert", join(work, "a.onnx"));
    expect(r.code, r.stderr).toBe(0);
    expect(listing(work)).toEqual([...kept, "a.deploy.onnx", "a.onnx"].sort());
  });
});
