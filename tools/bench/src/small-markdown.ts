import type { SmallFigures } from "./small-bench.js";

const TITLE = "## Small models";
const mib = (b: number | undefined) => (b === undefined ? "-" : `${(b / 2 ** 20).toFixed(0)} MiB`);

/**
 * The "Small models" section of BENCHMARKS.md: the CLI's start-up floor and
 * each small model next to cp, the share beyond start-up shown apart.
 * `stamp` (the run's date and machine) when the section is written by a run
 * of its own, into a file whose other sections come from another run.
 */
export function smallModelsSection(s: SmallFigures, stamp?: string): string[] {
  const { startup: u } = s;
  const lines = [
    TITLE,
    "",
    `Models of a few MB as people ship them (#22): a float16 graph model (MobileOne-S1, for the ~7 MB float16 graph models) and a uint8-quantized layers model (RepVGG-A2, for the 22.6 MB one), converted with the default \`--dtype keep\`. \`reparam convert\` (best of 3) vs \`cp -r\` of the same folder (best of 3). Start-up floor: \`reparam --version\` ${u.versionSeconds.toFixed(2)} s (peak RSS ${mib(u.versionPeakRssBytes)}); converting a 124 KB model (\`${u.tiny}\`) ${u.tinySeconds.toFixed(2)} s (${mib(u.tinyPeakRssBytes)}). "beyond start-up" subtracts the tiny conversion from time and peak RSS. Goals (#14, start-up aside): <= 3x cp; peak RSS bounded, not proportional to the model.`,
    ...(stamp === undefined ? [] : ["", `Run ${stamp} (\`pnpm bench small\`).`]),
    "",
    "| model | format | size | cp | convert | ratio | beyond start-up / cp | peak RSS | beyond start-up / size | decode / match / fuse / write |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const f of s.models) {
    const over = (f.convertSeconds - u.tinySeconds) / f.cpSeconds;
    const rss =
      f.peakRssBytes === undefined || u.tinyPeakRssBytes === undefined
        ? "-"
        : ((f.peakRssBytes - u.tinyPeakRssBytes) / f.inputBytes).toFixed(2);
    const b = f.breakdown;
    lines.push(
      `| ${f.arch} | ${f.format} | ${(f.inputBytes / 1e6).toFixed(1)} MB | ${f.cpSeconds.toFixed(3)} s | ${f.convertSeconds.toFixed(2)} s | ${f.ratio.toFixed(1)}x | ${over.toFixed(1)}x | ${mib(f.peakRssBytes)} | ${rss} | ${b ? ["decode", "match", "fuse", "write"].map((k) => (b[k] ?? 0).toFixed(2)).join(" / ") : "-"} |`,
    );
  }
  lines.push("");
  return lines;
}

/** `markdown` with its small-models section replaced by `section` (or added before the latency section, else at the end). */
export function withSmallModelsSection(markdown: string, section: readonly string[]): string {
  const lines = markdown.split("\n");
  const start = lines.indexOf(TITLE);
  const next = (from: number) => {
    const k = lines.findIndex((l, i) => i > from && l.startsWith("## "));
    return k < 0 ? lines.length : k;
  };
  if (start >= 0) lines.splice(start, next(start) - start, ...section);
  else {
    const latency = lines.indexOf("## Inference latency");
    lines.splice(latency < 0 ? lines.length : latency, 0, ...section);
  }
  return lines.join("\n");
}
