import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFiles, seedCorpus, sideFiles } from "../src/index.js";
import { bin, convert, snapshot } from "./_cli.js";

let root: string;
let corpus: ModelFiles[] = [];

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (pnpm build)`);
  root = mkdtempSync(join(tmpdir(), "reparam-symlink-"));
  corpus = await seedCorpus();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a model into `dir`; `link` (a side file) is moved outside the folder and replaced by a symlink to it. */
function place(m: ModelFiles, dir: string, link: string | undefined, how: "absolute" | "relative"): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of m.files) writeFileSync(join(dir, name), bytes);
  if (link === undefined) return;
  const outside = join(root, `outside-${readdirSync(root).length}`);
  mkdirSync(outside);
  renameSync(join(dir, link), join(outside, link));
  // `dir` is root/<case>/model: a relative link climbs two levels to root.
  if (how === "absolute") symlinkSync(join(outside, link), join(dir, link));
  else symlinkSync(join("..", "..", outside.slice(root.length + 1), link), join(dir, link));
}

const CASES = [
  ["generated onnx external data", "out.onnx"],
  ["generated safetensors sharded", "out.safetensors.index.json"],
  ["generated tfjs layers sharded", "out"],
] as const;

describe("reparam convert on a side file that is a symlink", () => {
  it.each(CASES)(
    "%s: refuses absolute and relative links out of the model's folder (CLI_PATH_ESCAPE), writing nothing",
    async (label, outName) => {
      const m = corpus.find((c) => c.label === label)!;
      for (const how of ["absolute", "relative"] as const) {
        const dir = join(root, `${label.replaceAll(" ", "-")}-${how}`, "model");
        place(m, dir, sideFiles(m)[0], how);
        const out = join(root, `out-${label.replaceAll(" ", "-")}-${how}`);
        const r = await convert(join(dir, m.name), join(out, outName));
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/^error CLI_PATH_ESCAPE: .*symlink/);
        expect(snapshot(out)).toEqual(new Map());
      }
    },
  );

  it.each(CASES)("%s: follows a link that stays inside the folder", async (label, outName) => {
    const m = corpus.find((c) => c.label === label)!;
    const dir = join(root, `${label.replaceAll(" ", "-")}-inside`, "model");
    place(m, dir, undefined, "absolute");
    const side = sideFiles(m)[0]!;
    mkdirSync(join(dir, "real"));
    renameSync(join(dir, side), join(dir, "real", side));
    symlinkSync(join("real", side), join(dir, side));
    const r = await convert(join(dir, m.name), join(root, `out-inside-${label.replaceAll(" ", "-")}`, outName));
    expect(r.code, r.stderr).toBe(0);
  });
});
