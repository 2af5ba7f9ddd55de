/**
 * Matches an `--exclude` pattern against a block name the way users type
 * them, whatever the format's naming:
 *
 * - One leading `/` is ignored on both sides: ONNX names start with `/`
 *   (`/head/Conv`), the others do not (`head.0`), and `head*` or `/head*`
 *   matches either.
 * - A pattern without `*` matches anywhere in the name (substring):
 *   `stage1` matches `/stage1/stage1.0` and `model.stage1.block0`.
 * - A pattern with `*` (any run of characters, `/` and `.` included; every
 *   other character is literal) matches from the start of the name, and
 *   ends at the end of the name or at a segment end (before a `/` or `.`):
 *   `head*` matches `/head/Conv` and `head.1`; `stage*.conv` matches
 *   `stage1.conv` and `stage1.conv.0` but not `xstage1.conv`;
 *   `stage1.0*` does not match `stage10`.
 *
 * @param pattern - the user's pattern, e.g. `head*`, `stage1`, `/stage*\/stage*.0`
 * @param name - a block name as reports give it
 */
export function blockNameMatch(pattern: string, name: string): boolean {
  const p = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  const n = name.startsWith("/") ? name.slice(1) : name;
  if (!p.includes("*")) return n.includes(p);
  const body = p
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  // A segment ends before a `/` (ONNX scopes: `/stage1/stage1.0`) or a `.` (module paths: `stages.0.rbr_dense`).
  return new RegExp(`^${body}(?:$|(?=[/.]))`, "s").test(n);
}
