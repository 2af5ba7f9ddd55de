import type { blockNameMatch } from "./block-name-match.js";

/**
 * Matches a name pattern (file names of the CLI's input patterns, the
 * safetensors `strided` option; `exclude` uses {@link blockNameMatch}'s
 * rules, made for block names): a pattern without
 * `*` matches as a substring, one with `*` as a whole-name glob (`*` is any
 * run of characters; every other character is literal).
 *
 * @param pattern - the user's pattern, e.g. `stage1` or `stage*.rbr_dense`
 * @param name - the block name to test
 */
export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return name.includes(pattern);
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(name);
}
