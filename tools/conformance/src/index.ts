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

/** One block of a `families/` or `families2/` case: which train keys become which deploy keys. */
export interface FamilyBlockInfo {
  type: string;
  train_prefix: string;
  deploy_prefix: string;
  kernel?: number;
  stride?: number;
  groups?: number;
}

/** One case of `families/manifest.json` or `families2/manifest.json`; its file names are relative to that folder. */
export interface FamilyCase extends ConformanceCase {
  block_info?: FamilyBlockInfo[];
  passthrough_keys?: string[];
  expect?: string;
  [key: string]: unknown;
}

/** The cases of a fixture set in a subfolder (`families`, `families2`), with file names made relative to `fixtures/`. */
export function familyCases(set: "families" | "families2"): FamilyCase[] {
  const manifest = JSON.parse(readFileSync(`${fixturesDir}${set}/manifest.json`, "utf8")) as { cases: FamilyCase[] };
  const at = (f: string | undefined) => (f === undefined ? f : `${set}/${f}`);
  return manifest.cases.map((c) => ({
    ...c,
    input: { ...c.input, file: at(c.input.file)! },
    output: { ...c.output, file: at(c.output.file)! },
    onnx: { train: at(c.onnx.train)!, train_unfolded: at(c.onnx.train_unfolded)!, deploy: at(c.onnx.deploy)! },
    safetensors:
      c.safetensors == null
        ? c.safetensors
        : {
            train: at(c.safetensors.train)!,
            train_f16: at(c.safetensors.train_f16) as string,
            deploy: at(c.safetensors.deploy)!,
          },
  }));
}
