#!/usr/bin/env node
import { setFuseWorker } from "./host/fuse-threads.js";
import { installInterruptCleanup } from "./host/interrupt-cleanup.js";

// A reader that stops early (`reparam convert --help | head`) closes the pipe: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
// Ctrl-C / SIGTERM: no temporary file stays beside the output; exit 130 / 143.
installInterruptCleanup();
// The bundled command's fuse worker lies beside it (scripts/bundle-bin.mjs); from sources, core finds its own.
if (import.meta.url.endsWith(".js")) setFuseWorker(new URL("./fuse-worker.js", import.meta.url));
// `reparam --version` answers before the rest loads (commander, core, the commands): scripts probe with it.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  process.stdout.write(`${(await import("./version.js")).version}\n`);
} else {
  process.exitCode = await (await import("./main.js")).main(process.argv);
}
