import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("pnpm docs (TypeDoc)", () => {
  it("builds the API reference of every published entry point without errors", () => {
    const out = mkdtempSync(join(tmpdir(), "reparam-api-"));
    // The compiler's own diagnostics are the build's and typecheck's job: skipped here (about half the time).
    const r = spawnSync("pnpm", ["exec", "typedoc", "--out", out, "--skipErrorChecking"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toMatch(/Found 0 errors/);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  }, 120_000);
});
