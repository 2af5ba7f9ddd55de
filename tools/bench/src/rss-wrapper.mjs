// Runs a node script in this process and reports its peak RSS on stderr at exit
// (process.resourceUsage().maxRSS, kilobytes), so benchmarks need no /usr/bin/time.
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
process.on("exit", () => process.stderr.write(`\nRSS_MAX_KB=${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(script).href);
