import { readFileSync } from "node:fs";

/**
 * Reads this package's package.json: one folder up from `dist/version.js`
 * (and `src/version.ts`), two from the bundled command's `dist/chunks/*.js`.
 */
function readVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version: string };
      if (pkg.name === "@reparam/cli") return pkg.version;
    } catch {
      // Not this folder: try the next one up.
    }
  }
  throw new Error("@reparam/cli: package.json not found beside the code");
}

/** This package's version, from its package.json. */
export const version: string = readVersion();
