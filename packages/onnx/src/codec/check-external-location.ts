import { ReparamError } from "@reparam/core";

/**
 * Checks an external-data `location` and returns it normalised (`./` and
 * empty segments dropped). A location must be a relative POSIX path that
 * stays inside the model's folder, so every form that could leave it or
 * mean something else on some system is refused with
 * `ONNX_EXTERNAL_PATH_ESCAPE`: absolute paths (`/x`, `C:\x`, `C:x`,
 * `\\server\x`), any backslash, a `..` segment (and Windows' equivalents
 * such as `...` or `.. `), URLs and anything with a colon (also NTFS
 * streams), and NUL. An empty location is `ONNX_EXTERNAL_BAD_ENTRY`.
 *
 * @param location - the `location` entry, verbatim from the model
 * @param where - the tensor it belongs to, for messages
 */
export function checkExternalLocation(location: string, where = "external data"): string {
  const refuse = (why: string): never => {
    throw new ReparamError("ONNX_EXTERNAL_PATH_ESCAPE", `external data location ${why}`, {
      where,
      expected: "a relative path inside the model's folder, with '/' separators",
      found: JSON.stringify(location),
    });
  };
  if (location.includes("\0")) refuse("contains a NUL character");
  if (location.includes("\\")) refuse("contains a backslash");
  if (location.startsWith("/")) refuse("is an absolute path");
  if (location.includes(":")) refuse(/^[A-Za-z]:/.test(location) ? "is a drive path" : "contains ':' (URL or stream)");
  const segments = location.split("/").filter((s) => s !== "" && s !== ".");
  // Windows drops trailing dots and spaces from a segment: "..." and ".. " mean "..".
  if (segments.some((s) => /^[. ]+$/.test(s))) refuse("leaves the model's folder ('..')");
  if (segments.length === 0) {
    throw new ReparamError("ONNX_EXTERNAL_BAD_ENTRY", "external data location is empty", {
      where,
      expected: "a file name",
      found: JSON.stringify(location),
    });
  }
  return segments.join("/");
}
