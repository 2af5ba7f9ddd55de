import { isAbsolute, relative, sep } from "node:path";

/**
 * True when `target` is `folder` or lies below it, both absolute paths
 * (compare real paths to see through symlinks). The Node-side containment
 * check; the pure rule on a relative name itself is core's `relativePathProblem`.
 */
export function insideFolder(folder: string, target: string): boolean {
  const rel = relative(folder, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
