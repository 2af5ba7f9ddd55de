import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

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
  return [...seen];
}

describe("packed CLI", () => {
  it("installs from tarballs into an empty folder and `npx reparam --help` works", () => {
    const out = mkdtempSync(join(tmpdir(), "reparam-pack-"));
    for (const p of runtimePackages())
      execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: join(root, "packages", p), stdio: "pipe" });
    const tarballs = readdirSync(out).filter((f) => f.endsWith(".tgz"));
    const app = mkdtempSync(join(tmpdir(), "reparam-app-"));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs.map((t) => join(out, t))],
      { cwd: app, stdio: "pipe" },
    );
    const r = spawnSync("npx", ["--no-install", "reparam", "--help"], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: reparam");
    const ex = spawnSync("npx", ["--no-install", "reparam", "example"], { cwd: app, encoding: "utf8" });
    expect(ex.status).toBe(0);
    // Every package ships its license.
    for (const p of runtimePackages())
      expect(existsSync(join(app, "node_modules", "@reparam", p, "LICENSE")), `@reparam/${p} LICENSE`).toBe(true);
  }, 300_000);
});
