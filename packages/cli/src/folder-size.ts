import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Size in bytes of a file, or of every file in a folder (not recursive into subfolders' subfolders). */
export async function pathSize(p: string): Promise<number> {
  const s = await stat(p);
  if (!s.isDirectory()) return s.size;
  let n = 0;
  for (const e of await readdir(p, { withFileTypes: true })) if (e.isFile()) n += (await stat(join(p, e.name))).size;
  return n;
}
