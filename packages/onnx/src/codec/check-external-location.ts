import { ReparamError, relativePathProblem } from "@reparam/core";

/**
 * Checks an external-data `location` and returns it normalised (`./` and
 * empty segments dropped). A location must be a relative POSIX path that
 * stays inside the model's folder, by core's one rule
 * (`relativePathProblem`): absolute paths (`/x`, `C:\x`, `C:x`,
 * `\\server\x`), any backslash, a `..` segment (also Windows' `...` or
 * `.. `, and URL-encoded), URLs and anything with a colon (also NTFS
 * streams), control characters such as NUL and lone surrogates are refused
 * with `ONNX_EXTERNAL_PATH_ESCAPE`. An empty location (``, `.`, `./`) is
 * `ONNX_EXTERNAL_BAD_ENTRY`.
 *
 * @param location - the `location` entry, verbatim from the model
 * @param where - the tensor it belongs to, for messages
 */
export function checkExternalLocation(location: string, where = "external data"): string {
  const found = JSON.stringify(location);
  const problem = relativePathProblem(location);
  if (problem?.kind === "empty") {
    throw new ReparamError("ONNX_EXTERNAL_BAD_ENTRY", "external data location is empty", {
      where,
      expected: "a file name",
      found,
    });
  }
  if (problem !== undefined) {
    throw new ReparamError("ONNX_EXTERNAL_PATH_ESCAPE", `external data location has ${problem.reason}`, {
      where,
      expected: "a relative path inside the model's folder, with '/' separators",
      found,
    });
  }
  return location
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}
