/// <reference types="node" />
// Fixture access for the fixture-driven tests (Node only): the conformance
// TF.js models under tools/conformance/fixtures/tfjs and a file-system TfjsFiles.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TfjsFiles } from "../src/codec/tfjs-files.js";

/** The folder of the conformance TF.js fixtures. */
export const TFJS_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../tools/conformance/fixtures/tfjs");

/** The variants every case has (see fixtures/README.md). */
export const VARIANTS = ["layers", "layers-sharded", "graph", "layers-deploy"] as const;
export type Variant = (typeof VARIANTS)[number];

/** One case of `tfjs/manifest.json` (the fields the tests use). */
export interface TfjsCase {
  readonly name: string;
  readonly input: { readonly file: string; readonly shape: number[] };
  readonly output: { readonly file: string; readonly shape: number[] };
  readonly variants: Record<
    Variant,
    { readonly path: string; readonly format: string; readonly weights_bytes: number }
  >;
}

/** The cases of `tfjs/manifest.json`. */
export function tfjsCases(): TfjsCase[] {
  const manifest = JSON.parse(readFileSync(join(TFJS_FIXTURES, "manifest.json"), "utf8")) as { cases: TfjsCase[] };
  return manifest.cases;
}

/** {@link TfjsFiles} reading from a folder; rejects (ENOENT) on a missing file. */
export function dirFiles(dir: string): TfjsFiles {
  return {
    async read(path) {
      const b = await readFile(join(dir, path));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  };
}

/** A variant's `model.json` bytes and the files next to it. */
export function variantSource(c: TfjsCase, v: Variant): { modelJson: Uint8Array; files: TfjsFiles; dir: string } {
  const path = join(TFJS_FIXTURES, c.variants[v].path);
  const b = readFileSync(path);
  return {
    modelJson: new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    files: dirFiles(dirname(path)),
    dir: dirname(path),
  };
}

/** A raw little-endian float32 file of the fixtures (input or output). */
export function readFloat32(file: string): Float32Array {
  const b = readFileSync(join(TFJS_FIXTURES, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
