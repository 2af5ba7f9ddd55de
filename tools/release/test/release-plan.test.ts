import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

/** Every workspace package's folder (relative to the root), as pnpm-workspace.yaml lists them. */
function workspaceFolders(base: string): string[] {
  return ["packages", "tools", "apps"].flatMap((group) =>
    readdirSync(join(base, group), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(base, group, e.name, "package.json")))
      .map((e) => `${group}/${e.name}`),
  );
}

const manifest = (base: string, folder: string): Manifest =>
  JSON.parse(readFileSync(join(base, folder, "package.json"), "utf8")) as Manifest;

describe("changeset version on the pending changesets", () => {
  const folders = workspaceFolders(root);
  const before = new Map(folders.map((f) => [f, manifest(root, f)]));
  let copy = "";

  // Runs the versioning step of `pnpm release` on a copy of the manifests and changesets (the
  // repository itself is not touched): what the first release would publish.
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "reparam-release-"));
    for (const f of ["package.json", "pnpm-workspace.yaml", ".changeset"])
      cpSync(join(root, f), join(copy, f), { recursive: true });
    for (const f of folders) {
      mkdirSync(join(copy, f), { recursive: true });
      for (const file of ["package.json", "CHANGELOG.md"])
        if (existsSync(join(root, f, file))) cpSync(join(root, f, file), join(copy, f, file));
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    execFileSync(process.execPath, [join(root, "node_modules/@changesets/cli/bin.js"), "version"], {
      cwd: copy,
      stdio: "pipe",
    });
  }, 60_000);

  it("gives every published package one 0.x version, and 0.1.0 to a first release", () => {
    const published = folders.filter((f) => before.get(f)!.private !== true);
    expect(published.length).toBeGreaterThan(0);
    const versions = new Set(published.map((f) => manifest(copy, f).version));
    expect(versions.size).toBe(1); // one fixed group: @reparam/* versions move together
    const [version] = [...versions];
    expect(version).toMatch(/^0\.\d+\.\d+$/);
    if (published.every((f) => before.get(f)!.version === "0.0.0")) expect(version).toBe("0.1.0");
    for (const f of published) expect(existsSync(join(copy, f, "CHANGELOG.md")), f).toBe(true);
  });

  it("leaves private packages (tools, the web page, test-utils) unversioned and without changelogs", () => {
    for (const f of folders.filter((x) => before.get(x)!.private === true)) {
      expect(manifest(copy, f).version, f).toBe(before.get(f)!.version);
      expect(existsSync(join(copy, f, "CHANGELOG.md")) === existsSync(join(root, f, "CHANGELOG.md")), f).toBe(true);
    }
  });

  it("consumes every changeset and keeps workspace ranges between packages", () => {
    expect(readdirSync(join(copy, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")).toEqual([]);
    for (const f of folders)
      for (const [name, range] of Object.entries(manifest(copy, f).dependencies ?? {}))
        if (name.startsWith("@reparam/")) expect(range, `${f} -> ${name}`).toBe("workspace:*");
  });
});

describe("pnpm publish --dry-run (the last step of pnpm release)", () => {
  it("lists exactly the published packages, never a private one", () => {
    const folders = workspaceFolders(root);
    const out = execFileSync(
      "pnpm",
      ["-r", "--filter", "./packages/*", "publish", "--dry-run", "--no-git-checks", "--access", "public"],
      { cwd: root, encoding: "utf8", stdio: "pipe" },
    );
    const named = new Set([...out.matchAll(/📦 (@[\w-]+\/[\w-]+)@/g)].map((m) => m[1]));
    for (const f of folders) {
      const m = manifest(root, f);
      expect(named.has(m.name), m.name).toBe(m.private !== true);
    }
  }, 60_000);
});
