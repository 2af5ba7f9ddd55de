/**
 * The block-name patterns of `exclude`-like options: a pattern without `*`
 * matches as a substring, one with `*` as a whole-name glob.
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
