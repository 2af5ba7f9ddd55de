// Removes from a package's dist/ what tsc emitted for sources that no longer exist (a file moved or
// deleted in src/), so that a pack never ships stale modules. Run in the package folder after tsc.
// Cleaning dist before the build would do the same, but would leave dist empty while tsc runs.
// dist/chunks/ (esbuild's bundle of the CLI) is the bundler's own and is left alone.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const emitted = /(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;
for (const e of readdirSync("dist", { withFileTypes: true, recursive: true })) {
  if (!e.isFile() || !emitted.test(e.name)) continue;
  const rel = relative("dist", join(e.parentPath, e.name));
  if (rel.startsWith("chunks")) continue;
  const source = join("src", rel.replace(emitted, ".ts"));
  if (!existsSync(source)) rmSync(join("dist", rel));
}
