import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleFixtures, publicPackages, readmeExamples, runExample } from "./readme-examples.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
/** The CLI's install must stay under this without the verify runtimes (#20). */
const INSTALL_LIMIT_BYTES = 30 * 1024 * 1024;

/** Workspace packages the CLI needs at run time (its dependencies, transitively). */
function runtimePackages(): string[] {
  const seen = new Set<string>();
  const visit = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    seen.add(dir);
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      if (range.startsWith("workspace:")) {
        const sub = name.replace("@reparam/", "");
        if (!seen.has(sub)) visit(sub);
      }
    }
  };
  visit("cli");
  return [...seen].sort();
}

/** Bytes on disk (allocated blocks) under `dir`, symlinks not followed. */
function diskBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += lstatSync(p).blocks * 512;
    if (e.isDirectory()) n += diskBytes(p);
  }
  return n;
}

/** Every `.map` file under `dir`. */
function sourceMaps(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".map"))
    .map((e) => join(e.parentPath, e.name));
}

const npx = (app: string, ...args: string[]) =>
  spawnSync("npx", ["--no-install", "reparam", ...args], { cwd: app, encoding: "utf8" });

describe("packed packages installed with npm from their tarballs", () => {
  let app = "";
  let out = "";
  let installed = 0;

  // Packs every published package and installs the tarballs into an empty folder the way a user
  // would: npm, install scripts on, a fresh npm cache, only the registry reachable.
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "reparam-pack-"));
    for (const p of publicPackages())
      execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: join(root, "packages", p), stdio: "pipe" });
    const tarballs = readdirSync(out).filter((f) => f.endsWith(".tgz"));
    app = mkdtempSync(join(tmpdir(), "reparam-app-"));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const cache = join(out, "npm-cache");
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--cache", cache, ...tarballs.map((t) => join(out, t))],
      { cwd: app, stdio: "pipe" },
    );
    installed = diskBytes(join(app, "node_modules"));
    console.log(
      `npm i of the CLI and its @reparam dependencies (tarballs): ${(installed / 2 ** 20).toFixed(1)} MiB on disk`,
    );
  }, 240_000);
  afterAll(() => {
    for (const dir of [app, out]) if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("installs only the CLI's own closure, small and without the verify runtimes", () => {
    expect(publicPackages().sort()).toEqual(runtimePackages());
    expect(installed).toBeLessThan(INSTALL_LIMIT_BYTES);
    for (const runtime of ["onnxruntime-node", "onnxruntime-web", "@tensorflow/tfjs", "webgpu"])
      expect(existsSync(join(app, "node_modules", runtime)), runtime).toBe(false);
  });

  it("runs `npx reparam --help`, `example` and `convert` on the bundled sample model", () => {
    const r = npx(app, "--help");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: reparam");
    expect(npx(app, "example").status).toBe(0);
    cpSync(join(root, "tools/models/samples/repvgg-sample.onnx"), join(app, "repvgg-sample.onnx"));
    const c = npx(app, "convert", "repvgg-sample.onnx");
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    expect(c.stdout).toContain("blocks: 7 found, 7 fused");
    expect(existsSync(join(app, "repvgg-sample.deploy.onnx"))).toBe(true);
  });

  it("names the runtime package to install when `npx reparam verify` needs one", () => {
    const sample = join(app, "verify-sample.onnx");
    cpSync(join(root, "tools/models/samples/repvgg-sample.onnx"), sample);
    expect(npx(app, "convert", sample, "-o", join(app, "verify-sample.deploy.onnx")).status).toBe(0);
    const r = npx(app, "verify", sample, join(app, "verify-sample.deploy.onnx"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error VALIDATE_RUNTIME_MISSING: /);
    expect(r.stderr).toContain("hint: npm i onnxruntime-node@1.30.0");
    expect(r.stderr).not.toMatch(/\n\s+at /); // a clean error, no stack
  });

  it("runs every README example (those needing a verify runtime fail with VALIDATE_RUNTIME_MISSING)", () => {
    for (const example of readmeExamples()) {
      const dir = join(app, "examples", example.label.replace(/[@/#]/g, "_"));
      mkdirSync(dir, { recursive: true });
      exampleFixtures(dir);
      const r = runExample(example, dir);
      if (example.needsRuntime) {
        expect(r.code, example.label).not.toBe(0);
        expect(r.stderr, example.label).toContain("VALIDATE_RUNTIME_MISSING");
        expect(r.stderr, example.label).toContain("npm i onnxruntime-node@1.30.0");
      } else {
        expect(r.stderr, example.label).toBe("");
        expect(r.code, example.label).toBe(0);
      }
    }
  }, 120_000);

  it("ships each package's license and sources, so that every source map resolves", () => {
    for (const p of publicPackages()) {
      const dir = join(app, "node_modules", "@reparam", p);
      expect(existsSync(join(dir, "LICENSE")), `@reparam/${p} LICENSE`).toBe(true);
      expect(existsSync(join(dir, "src", "index.ts")), `@reparam/${p} src`).toBe(true);
      expect(readdirSync(join(dir, "src"), { recursive: true }).filter((f) => String(f).endsWith(".test.ts"))).toEqual(
        [],
      );
      for (const map of sourceMaps(join(dir, "dist"))) {
        const m = JSON.parse(readFileSync(map, "utf8")) as { sources: string[]; sourcesContent?: unknown[] };
        m.sources.forEach((s, i) => {
          if (typeof m.sourcesContent?.[i] === "string") return;
          expect(existsSync(resolve(dirname(map), s)), `${map} -> ${s}`).toBe(true);
        });
      }
    }
  });
});
