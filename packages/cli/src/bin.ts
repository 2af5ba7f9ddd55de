#!/usr/bin/env node
// `reparam --version` answers before the rest loads (commander, core, the commands): scripts probe with it.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  process.stdout.write(`${(await import("./version.js")).version}\n`);
} else {
  process.exitCode = await (await import("./main.js")).main(process.argv);
}
