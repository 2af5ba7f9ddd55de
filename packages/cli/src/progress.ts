import type { Progress } from "@reparam/core";

/** A one-line progress display on stderr, shown only on a TTY and only once work passes ~1 s. */
export function progressReporter(
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): { update(p: Progress): void; done(): void } {
  if (!enabled || !stream.isTTY) return { update: () => undefined, done: () => undefined };
  const start = Date.now();
  let shown = false;
  return {
    update(p) {
      if (Date.now() - start < 1000) return;
      shown = true;
      const width = 30;
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
      const count = p.phase === "fuse" ? ` ${p.done}/${p.total} blocks` : "";
      stream.write(`\r${p.phase.padEnd(5)} [${bar}]${count}   `);
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}
