// Runs a node script in this process and reports its peak RSS on stderr at exit,
// so benchmarks need no /usr/bin/time. VmHWM (this process's own high-water
// mark) and not getrusage's maxrss: on Linux the latter carries the parent's
// peak across fork + exec.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
process.on("exit", () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  process.stderr.write(`\nRSS_MAX_KB=${m ? m[1] : process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(script).href);
