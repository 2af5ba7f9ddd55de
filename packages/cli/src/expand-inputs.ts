import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, parse, sep } from "node:path";
import { globMatch } from "@reparam/core";

/** One command-line input after glob expansion: the paths it stands for, or none (a pattern that matched nothing). */
export interface ExpandedInput {
  /** The argument as the user gave it. */
  readonly arg: string;
  /** True when the argument was a pattern that the CLI expanded (the shell had not). */
  readonly pattern: boolean;
  /** The paths it stands for, sorted (the argument itself when it is not a pattern). */
  readonly paths: readonly string[];
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Expands the arguments that the shell left as patterns (quoted, or Windows):
 * an argument with `*` that names no existing path. `*` is any run of
 * characters within one path segment (core's `globMatch` on each entry name
 * of a `readdir`); names starting with `.` match only a segment that does
 * too. A folder that matches (a TF.js model) stays one input; the matcher
 * never descends into what it matched. Within a pattern, a match that is the
 * default output of another match (`a.deploy.onnx` beside `a.onnx`,
 * `web.deploy/` beside `web/`, `NAME.deploy/` beside `NAME.json`) is left out, so that a second run over the
 * same pattern does not convert the first run's outputs.
 */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInput[]> {
  const out: ExpandedInput[] = [];
  for (const arg of args) {
    if (!arg.includes("*") || (await exists(arg))) {
      out.push({ arg, pattern: false, paths: [arg] });
      continue;
    }
    out.push({ arg, pattern: true, paths: withoutOutputs(await matchPattern(arg)) });
  }
  return out;
}

/** Every existing path that `pattern` matches, segment by segment. */
async function matchPattern(pattern: string): Promise<string[]> {
  const root = isAbsolute(pattern) ? parse(pattern).root : "";
  const segments = pattern
    .slice(root.length)
    .split(/[\\/]/)
    .filter((s) => s !== "" && s !== ".");
  let bases = [root];
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      if (!seg.includes("*")) {
        const p = base === "" ? seg : join(base, seg);
        if (last ? await exists(p) : (await stat(p).catch(() => undefined))?.isDirectory()) next.push(p);
        continue;
      }
      const entries = await readdir(base === "" ? "." : base, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name.startsWith(".") && !seg.startsWith(".")) continue;
        if (!globMatch(seg, e.name)) continue;
        const p = base === "" ? e.name : join(base, e.name);
        // Intermediate segments walk folders only (a symlink to one counts).
        if (!last && !(await stat(p).catch(() => undefined))?.isDirectory()) continue;
        next.push(p);
      }
    }
    bases = next;
  }
  return bases.filter((b) => b !== root).sort();
}

/** Drops `x.deploy<ext>` when `x<ext>` is also among `paths`, and `x.deploy` when `x.json` is (the default output of another match). */
function withoutOutputs(paths: readonly string[]): string[] {
  const all = new Set(paths);
  return paths.filter((p) => {
    const nameStart = Math.max(p.lastIndexOf(sep), p.lastIndexOf("/")) + 1;
    for (let i = p.indexOf(".deploy", nameStart); i >= 0; i = p.indexOf(".deploy", i + 1)) {
      const rest = p.slice(i + ".deploy".length);
      if (all.has(p.slice(0, i) + rest)) return false;
      // `NAME.deploy/` beside `NAME.json`: a TF.js model that shares its folder with others.
      if (rest.replace(/[\\/]$/, "") === "" && all.has(`${p.slice(0, i)}.json`)) return false;
    }
    return true;
  });
}
