/// <reference types="node" />
import { readFileSync } from "node:fs";
import { fixturesDir } from "../../../tools/conformance/src/index.js";

/** One case of the families fixtures (tools/conformance/fixtures/families/manifest.json), what these tests read of it. */
export interface FamilyCase {
  readonly name: string;
  readonly family: string;
  readonly names: string;
  readonly blocks: number;
  readonly safetensors: { readonly train: string; readonly train_f16: string; readonly deploy: string };
  readonly passthrough_keys: readonly string[];
  readonly block_info: readonly { readonly train_prefix: string; readonly deploy_prefix: string }[];
}

/** The families cases, their file names relative to the fixtures folder (`families/NAME.train.safetensors`). */
export function familyCases(): FamilyCase[] {
  const manifest = JSON.parse(readFileSync(`${fixturesDir}families/manifest.json`, "utf8")) as { cases: FamilyCase[] };
  return manifest.cases.map((c) => ({
    ...c,
    safetensors: {
      train: `families/${c.safetensors.train}`,
      train_f16: `families/${c.safetensors.train_f16}`,
      deploy: `families/${c.safetensors.deploy}`,
    },
  }));
}
