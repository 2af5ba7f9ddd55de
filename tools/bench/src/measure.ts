import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One timed run of a command: wall seconds and the child's peak RSS in bytes (when known). */
export interface RunFigure {
  readonly seconds: number;
  readonly peakRss: number | undefined;
  /** With `json`: the conversion report's `seconds` (decode, match, fuse, write), from the CLI's `--json` output. */
  readonly breakdown?: Readonly<Record<string, number>>;
}

const rssWrapper = fileURLToPath(new URL("./rss-wrapper.mjs", import.meta.url));

/** Runs a command, failing loudly on a non-zero exit; peak RSS comes from the child's own rusage when it is a node script. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { node?: boolean; json?: boolean } = {},
): Promise<RunFigure> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const argv = opts.node ? [rssWrapper, cmd, ...args] : [...args];
    const child = spawn(opts.node ? process.execPath : cmd, argv, {
      stdio: ["ignore", opts.json ? "pipe" : "ignore", "pipe"],
    });
    let err = "";
    let out = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${err}`));
      const m = /RSS_MAX_KB=(\d+)/.exec(err);
      const breakdown = opts.json
        ? (JSON.parse(out) as { report?: { seconds?: Record<string, number> } }).report?.seconds
        : undefined;
      resolve({ seconds, peakRss: m ? Number(m[1]) * 1024 : undefined, ...(breakdown ? { breakdown } : {}) });
    });
  });
}

/** Best (minimum) wall time of `n` runs, and the largest peak RSS seen. */
export async function best(n: number, once: () => Promise<RunFigure>): Promise<RunFigure> {
  const figs: RunFigure[] = [];
  for (let i = 0; i < n; i++) figs.push(await once());
  const rss = figs.map((f) => f.peakRss).filter((x): x is number => x !== undefined);
  const fastest = figs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return {
    seconds: fastest.seconds,
    peakRss: rss.length ? Math.max(...rss) : undefined,
    ...(fastest.breakdown ? { breakdown: fastest.breakdown } : {}),
  };
}
