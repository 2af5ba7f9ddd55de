import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of the copied conformance fixtures folder (with a trailing slash). */
export const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** One case of `fixtures/manifest.json`. */
export interface ConformanceCase {
  name: string;
  family: string;
  names: string;
  input: { file: string; shape: number[] };
  output: { file: string; shape: number[] };
  onnx: { train: string; train_unfolded: string; deploy: string };
  safetensors: { train: string; train_f16: string; deploy: string };
  blocks: number;
}

/** The cases listed in the manifest. */
export function conformanceCases(): ConformanceCase[] {
  const manifest = JSON.parse(readFileSync(`${fixturesDir}manifest.json`, "utf8")) as { cases: ConformanceCase[] };
  return manifest.cases;
}

/** Bytes of a fixture file, by its path relative to `fixtures/`. */
export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(`${fixturesDir}${relative}`));
}

/** A float32 little-endian `.bin` fixture as a Float32Array. */
export function fixtureFloat32(relative: string): Float32Array {
  const b = fixtureBytes(relative);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}
