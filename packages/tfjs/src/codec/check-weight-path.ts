import { ReparamError } from "@reparam/core";

// A URL scheme (`http:`, `file:`, `data:`) or a Windows drive (`C:`).
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Segments a URL resolver treats as "..": `..`, `.%2e`, `%2e.`, `%2e%2e`.
const DOT_DOT = /^(?:\.|%2e){2}$/i;

/**
 * Checks that a shard path from a weights manifest names a file inside the
 * folder of `model.json`, so that a hostile model cannot make the caller read
 * or write elsewhere. Refused, with `TFJS_PATH_ESCAPE`:
 * - empty paths and paths with a NUL character;
 * - absolute paths (`/x`, `//host/x`);
 * - any backslash (`..\x` escapes on Windows; `\` is never needed);
 * - a URL scheme or drive letter (`http://h/x`, `file:x`, `C:x`);
 * - a `..` segment, also percent-encoded (`%2e%2e`), which URL resolution
 *   decodes.
 *
 * `./x` and `a/b` are allowed: they stay inside the folder.
 *
 * @param path - the path as written in `weightsManifest[g].paths`.
 * @param where - where it was found, for the error (e.g. `weightsManifest[0].paths[2]`).
 * @throws ReparamError `TFJS_PATH_ESCAPE`.
 */
export function checkWeightPath(path: string, where: string): void {
  const reason = escapeReason(path);
  if (reason === undefined) return;
  throw new ReparamError("TFJS_PATH_ESCAPE", `weight file path would leave the model's folder (${reason})`, {
    where,
    expected: "a relative path inside the folder of model.json, with '/' separators",
    found: JSON.stringify(path),
    hint: "weight paths must be relative file names such as group1-shard1of1.bin",
  });
}

function escapeReason(path: string): string | undefined {
  if (path.length === 0) return "empty path";
  if (path.includes("\0")) return "NUL character";
  if (path.includes("\\")) return "backslash";
  if (path.startsWith("/")) return "absolute path";
  if (SCHEME.test(path)) return "URL scheme or drive letter";
  if (path.split("/").some((s) => DOT_DOT.test(s))) return "'..' segment";
  return undefined;
}
