import { ReparamError } from "@reparam/core";

/**
 * Checks that a shard file name from a `*.safetensors.index.json` names a
 * file directly inside the index's folder, so that a hostile index cannot
 * make a reader or writer touch any other path.
 *
 * Refused: empty, `.` and `..`, any `/` or `\` (so no absolute path, no
 * subfolder, no `../`), any `:` (URL schemes, Windows drives and streams),
 * control characters, and lone surrogates.
 *
 * @param name - the shard file name, verbatim.
 * @param where - where it was found, for the error message.
 * @throws ReparamError `SAFETENSORS_PATH_ESCAPE`.
 */
export function checkShardFileName(name: string, where = "weight_map"): void {
  let why: string | undefined;
  if (typeof name !== "string" || name.length === 0) why = "an empty name";
  else if (name === "." || name === "..") why = "a folder reference";
  else if (/[/\\]/.test(name)) why = "a path separator";
  else if (name.includes(":")) why = "a ':' (URL, drive or stream)";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  else if (/[\u0000-\u001f\u007f]/.test(name)) why = "a control character";
  else if (/[\uD800-\uDFFF]/u.test(name)) why = "a lone surrogate";
  if (why !== undefined) {
    throw new ReparamError("SAFETENSORS_PATH_ESCAPE", "shard file name is not a plain file name inside the folder", {
      where,
      expected: "a plain file name such as model-00001-of-00002.safetensors",
      found: `${JSON.stringify(name)} (${why})`,
      hint: "the index may only name files next to it",
    });
  }
}
