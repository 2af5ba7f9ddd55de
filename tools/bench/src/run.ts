/**
 * The benchmark suite: `pnpm bench [core|convert|small|latency|all] [--quick]`.
 * Prints figures as it goes, writes bench-out/results.json and regenerates
 * BENCHMARKS.md (`small` alone rewrites only its own section of it). Every
 * figure has a baseline measured in the same run.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { conversionBench, type ConversionFigure } from "./conversion-bench.js";
import { coreFusionBench, type CoreFusionFigure } from "./core-fusion.js";
import { latencyBench, type LatencyFigure } from "./latency-bench.js";
import { machine } from "./machine.js";
import { outDir, root } from "./paths.js";
import { benchmarksMarkdown } from "./benchmarks-markdown.js";
import { smallBench, type SmallFigures } from "./small-bench.js";
import { smallModelsSection, withSmallModelsSection } from "./small-markdown.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const what = args.find((a) => !a.startsWith("--") && !args[args.indexOf(a) - 1]?.startsWith("--arch")) ?? "all";
/** `--arch repvgg-b3` (repeatable): only these architectures in the conversion part. */
const arches = args.flatMap((a, i) => (args[i - 1] === "--arch" ? [a] : []));
const reps = Number(args.find((a) => a.startsWith("--reps="))?.slice(7) ?? "3");
const log = (s: string) => console.log(s);
mkdirSync(`${outDir}models`, { recursive: true });

const results: {
  machine: Record<string, string>;
  date: string;
  core?: CoreFusionFigure;
  conversion: ConversionFigure[];
  small?: SmallFigures;
  latency: LatencyFigure[];
} = {
  machine: machine(),
  date: new Date().toISOString(),
  conversion: [],
  latency: [],
};
if (what === "all" || what === "core") {
  log("core fusion (RepVGG-B3-sized, in memory) vs copy:");
  results.core = coreFusionBench(quick ? 2 : 5, log);
}
if (what === "all" || what === "convert") {
  log("file-to-file conversion vs cp:");
  const chosen = arches.length > 0 ? arches : quick ? ["repvgg-a0"] : ["repvgg-a0", "repvgg-b3", "dbb-a0"];
  for (const arch of chosen) results.conversion.push(...(await conversionBench(arch, quick ? 1 : reps, log)));
}
if (what === "all" || what === "small") {
  log("small models vs cp, and the start-up floor:");
  results.small = await smallBench(quick ? 1 : reps, log);
}
if (what === "all" || what === "latency") {
  log("inference latency, onnxruntime-node CPU, 224x224:");
  for (const arch of quick ? ["repvgg-a0"] : ["repvgg-a0", "repvgg-b0"])
    results.latency.push(...(await latencyBench(arch, quick ? [1] : [1, 8], quick ? 5 : 120, log)));
}
writeFileSync(`${outDir}results.json`, `${JSON.stringify(results, null, 2)}\n`);
if (what === "all" && !quick && arches.length === 0) {
  writeFileSync(`${root}BENCHMARKS.md`, benchmarksMarkdown(results));
  log("wrote BENCHMARKS.md");
} else if (what === "small" && !quick && results.small) {
  const stamp = `${results.date} on: ${Object.entries(results.machine)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")}`;
  const file = `${root}BENCHMARKS.md`;
  writeFileSync(file, withSmallModelsSection(readFileSync(file, "utf8"), smallModelsSection(results.small, stamp)));
  log("wrote the small-models section of BENCHMARKS.md");
}
