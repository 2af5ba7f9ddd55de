import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** One fenced `ts` block of a published package's README. */
export interface ReadmeExample {
  /** `@reparam/onnx#2`: the package and the block's place in its README. */
  readonly label: string;
  readonly code: string;
  /** It imports `@reparam/validate`, which needs a runtime package (an optional peer) to run. */
  readonly needsRuntime: boolean;
}

/** The published (non-private) workspace packages, by folder name under `packages/`. */
export function publicPackages(): string[] {
  return readdirSync(join(root, "packages")).filter((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as { private?: boolean };
    return pkg.private !== true;
  });
}

/**
 * Every ```ts block of every published package's README: each is a whole
 * program that a user can paste into a `.ts` file and run (ESM, top-level
 * await) next to the files it names (see {@link exampleFixtures}).
 */
export function readmeExamples(): ReadmeExample[] {
  return publicPackages().flatMap((dir) => {
    const readme = readFileSync(join(root, "packages", dir, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    return blocks.map((code, i) => ({
      label: `@reparam/${dir}#${i + 1}`,
      code,
      needsRuntime: code.includes('from "@reparam/validate"'),
    }));
  });
}

/**
 * Puts the files the README examples name into `dir`, taken from the
 * repository's samples: `model.onnx`, `model.safetensors`, `web_model/`
 * (TF.js layers model) and `model.pth` (a MobileOne state dict).
 */
export function exampleFixtures(dir: string): void {
  const samples = join(root, "tools/models/samples");
  mkdirSync(dir, { recursive: true });
  cpSync(join(samples, "repvgg-sample.onnx"), join(dir, "model.onnx"));
  cpSync(join(samples, "repvgg-sample.safetensors"), join(dir, "model.safetensors"));
  cpSync(join(samples, "repvgg-sample-tfjs"), join(dir, "web_model"), { recursive: true });
  cpSync(join(root, "tools/conformance/fixtures/pth/mobileone.train.pth"), join(dir, "model.pth"));
}

/**
 * Runs an example in `dir` (which must have the fixtures, and find the
 * `@reparam/*` packages in a `node_modules` above it): its types are
 * stripped by esbuild, nothing else is changed.
 */
export function runExample(
  example: ReadmeExample,
  dir: string,
): { code: number | null; stdout: string; stderr: string } {
  const js = transformSync(example.code, { loader: "ts", format: "esm", target: "node20" }).code;
  const file = join(dir, "example.mjs");
  writeFileSync(file, js);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
