/// <reference types="node" />
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitFamilyTfjs } from "../src/families/emit-family-tfjs.js";
import { type FamilyCase, familyNet } from "../src/families/family-nets.js";
import { readStateDict } from "../src/families/read-state-dict.js";
import { type Files, emitted, runTfjs } from "./run-tfjs.js";

const fixtures = new URL("../../conformance/fixtures/families/", import.meta.url).pathname;
const generated = new URL("../fixtures/families-tfjs/", import.meta.url).pathname;
const manifest = JSON.parse(await readFile(join(fixtures, "manifest.json"), "utf8")) as {
  cases: (FamilyCase & { output: { shape: number[] } })[];
};

/** NCHW float32 values as NHWC (2-D `[N, F]` unchanged). */
function toNhwc(v: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length !== 4) return v;
  const [n, c, h, w] = shape as [number, number, number, number];
  const out = new Float32Array(v.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = v[((b * c + ch) * h + y) * w + x]!;
  return out;
}

const nhwc = (s: readonly number[]) => (s.length === 4 ? [s[0]!, s[2]!, s[3]!, s[1]!] : [...s]);

async function floats(path: string): Promise<Float32Array> {
  const b = await readFile(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function committed(dir: string): Promise<Files> {
  const files: Files = new Map();
  for (const f of await readdir(dir)) files.set(f, new Uint8Array(await readFile(join(dir, f))));
  return files;
}

/** The formats committed for a case (layers is left out where no tfjs-layers layer computes a step). */
const FORMATS: Record<string, readonly ("graph" | "layers")[]> = {
  fastvit_repmixer: ["graph"],
  unireplknet_dilated: ["graph"],
  ppyoloe_alpha: ["graph"],
};

describe("families-tfjs fixtures", () => {
  for (const c of manifest.cases) {
    for (const format of FORMATS[c.name] ?? (["graph", "layers"] as const)) {
      it(`computes ${c.name}'s output.bin as a TF.js ${format} model (NHWC, 1e-5 of max |output|)`, async () => {
        const files = await committed(join(generated, c.name, format));
        const x = toNhwc(await floats(join(fixtures, `${c.name}.input.bin`)), c.input.shape);
        const want = toNhwc(await floats(join(fixtures, `${c.name}.output.bin`)), c.output.shape);
        const got = await runTfjs(files, x, nhwc(c.input.shape));
        expect(got.length).toBe(want.length);
        let diff = 0;
        let max = 0;
        want.forEach((v, i) => {
          diff = Math.max(diff, Math.abs(got[i]! - v));
          max = Math.max(max, Math.abs(v));
        });
        expect(diff / max).toBeLessThanOrEqual(1e-5);
      });

      it(`regenerates ${c.name}'s ${format} model byte for byte from the train safetensors`, async () => {
        const dict = await readStateDict(new Uint8Array(await readFile(join(fixtures, `${c.name}.train.safetensors`))));
        const files = await emitted((open) =>
          emitFamilyTfjs(familyNet(c, dict), dict, format, nhwc(c.output.shape), open),
        );
        const want = await committed(join(generated, c.name, format));
        expect([...files.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [path, bytes] of files) expect(Buffer.from(bytes).equals(want.get(path)!), path).toBe(true);
      });
    }
  }
});
