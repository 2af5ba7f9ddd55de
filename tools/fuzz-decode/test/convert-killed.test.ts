import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliModel, bin, cliModels, convert, snapshot } from "./_cli.js";

// Kills per format: KILL_RUNS (default 4 in CI; the figure is 50: KILL_RUNS=50). KILL_SEED picks the delays.
const RUNS = Number(process.env.KILL_RUNS ?? 4);
const SEED = Number(process.env.KILL_SEED ?? 0);
const TEMP = /^\.reparam-tmp-/;

let root: string;
let models: CliModel[] = [];

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (pnpm build)`);
  root = mkdtempSync(join(tmpdir(), "reparam-kill-"));
  models = await cliModels(join(root, "in"));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The output's files (those at the target path: the main file, its side files, or the folder's files), temporary folders apart. */
function outputFiles(dir: string): Map<string, string> {
  return new Map([...snapshot(dir)].filter(([p]) => !TEMP.test(p)));
}

describe("reparam convert killed at a random moment", () => {
  it.each(["onnx", "onnx external data", "safetensors sharded", "tfjs layers sharded"].map((l, i) => [l, i] as const))(
    "%s: leaves the old output, the new one or nothing, and never touches the input",
    async (_, i) => {
      const m = models[i]!;
      const input = snapshot(m.dir);
      const out = join(root, `out-${i}`);
      const target = join(out, m.outName);
      // The reference: an uninterrupted run (its duration bounds the kill delays).
      const first = await convert(m.input, target);
      expect(first.code, first.stderr).toBe(0);
      const reference = outputFiles(out);
      expect(reference.size).toBeGreaterThan(0);
      rmSync(out, { recursive: true });
      const delays = fc.sample(fc.integer({ min: 0, max: Math.ceil(first.ms * 1.2) }), {
        seed: SEED + i,
        numRuns: RUNS,
      });
      const ended = { killed: 0, finished: 0, whole: 0, absent: 0 };
      for (const [k, delay] of delays.entries()) {
        const run = await convert(m.input, target, ["--force"], delay);
        if (run.signal === "SIGKILL") ended.killed++;
        else {
          ended.finished++;
          expect(run.code, `${m.label} run ${k}: ${run.stderr}`).toBe(0);
        }
        const files = outputFiles(out);
        // Whole (every file identical to the reference) or absent; never a part.
        if (files.size === 0) ended.absent++;
        else {
          expect([k, delay, files], m.label).toEqual([k, delay, reference]);
          ended.whole++;
        }
        expect(snapshot(m.dir), `${m.label}: input changed by run ${k}`).toEqual(input);
      }
      // The next run ignores what the killed ones left and removes their temporary folders.
      const last = await convert(m.input, target, ["--force"]);
      expect(last.code, last.stderr).toBe(0);
      expect(outputFiles(out)).toEqual(reference);
      expect([...snapshot(out).keys()].filter((p) => TEMP.test(p))).toEqual([]);
      console.log(
        `${m.label}: ${RUNS} runs (${ended.killed} killed, ${ended.finished} finished), output whole ${ended.whole}, absent ${ended.absent}; ` +
          `uninterrupted run ${Math.round(first.ms)} ms`,
      );
    },
  );
});
