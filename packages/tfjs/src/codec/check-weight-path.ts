import { checkRelativePath } from "@reparam/core";

/**
 * Checks that a shard path from a weights manifest names a file inside the
 * folder of `model.json`, so that a hostile model cannot make the caller read
 * or write elsewhere, by core's one rule (`relativePathProblem`). Refused,
 * with `TFJS_PATH_ESCAPE`:
 * - empty paths (also `.`), control characters such as NUL, lone surrogates;
 * - absolute paths (`/x`, `//host/x`);
 * - any backslash (`..\x` escapes on Windows; `\` is never needed);
 * - any `:`: a URL scheme or drive letter (`http://h/x`, `file:x`, `C:x`);
 * - a `..` segment, also percent-encoded (`%2e%2e`), which URL resolution
 *   decodes, and encoded separators (`%2f`, `%5c`).
 *
 * `./x` and `a/b` are allowed: they stay inside the folder.
 *
 * @param path - the path as written in `weightsManifest[g].paths`.
 * @param where - where it was found, for the error (e.g. `weightsManifest[0].paths[2]`).
 * @throws ReparamError `TFJS_PATH_ESCAPE`.
 */
export function checkWeightPath(path: string, where: string): void {
  checkRelativePath(path, {
    code: "TFJS_PATH_ESCAPE",
    message: (p) => `weight file path would leave the model's folder (${p.reason})`,
    where,
    expected: "a relative path inside the folder of model.json, with '/' separators",
    hint: "weight paths must be relative file names such as group1-shard1of1.bin",
  });
}
