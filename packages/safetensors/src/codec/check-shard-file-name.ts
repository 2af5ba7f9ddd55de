import { checkRelativePath } from "@reparam/core";

/**
 * Checks that a shard file name from a `*.safetensors.index.json` names a
 * file directly inside the index's folder, so that a hostile index cannot
 * make a reader or writer touch any other path: core's one rule
 * (`relativePathProblem`) with no subfolders.
 *
 * Refused: empty, `.` and `..`, any `/` or `\` (so no absolute path, no
 * subfolder, no `../`), any `:` (URL schemes, Windows drives and streams),
 * control characters, lone surrogates and URL-encoded `..` or separators.
 *
 * @param name - the shard file name, verbatim.
 * @param where - where it was found, for the error message.
 * @throws ReparamError `SAFETENSORS_PATH_ESCAPE`.
 */
export function checkShardFileName(name: string, where = "weight_map"): void {
  checkRelativePath(name, {
    subfolders: false,
    code: "SAFETENSORS_PATH_ESCAPE",
    message: () => "shard file name is not a plain file name inside the folder",
    where,
    expected: "a plain file name such as model-00001-of-00002.safetensors",
    found: (p) => `${JSON.stringify(name)} (${p.reason})`,
    hint: "the index may only name files next to it",
  });
}
