import { rmSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { generateModel } from "./generate-model.js";
import { best, run } from "./measure.js";
import { cliBin, outDir } from "./paths.js";

/** One file-to-file conversion next to `cp` of the same input. */
export interface ConversionFigure {
  readonly arch: string;
  readonly format: string;
  readonly inputBytes: number;
  readonly cpSeconds: number;
  readonly convertSeconds: number;
  readonly ratio: number;
  readonly peakRssBytes: number | undefined;
  readonly rssOverSize: number | undefined;
  /** Seconds in decode, match, fuse and write, from the report of the fastest conversion. */
  readonly breakdown: Readonly<Record<string, number>> | undefined;
}

const FORMATS: ReadonlyArray<{ format: string; gen: string; ext: string }> = [
  { format: "safetensors", gen: "safetensors", ext: ".safetensors" },
  { format: "onnx (Conv+BN)", gen: "onnx", ext: ".onnx" },
  { format: "onnx (PyTorch export)", gen: "onnx-folded", ext: ".folded.onnx" },
  { format: "tfjs layers", gen: "tfjs-layers", ext: "-tfjs" },
  { format: "tfjs graph", gen: "tfjs-graph", ext: "-tfjs-graph" },
];

/** Bytes of a file, or of the files in a folder. */
export function size(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(join(p, f)).size, 0) : s.size;
}

/** ", decode 0.10 s, match ..." or nothing. */
export function breakdownText(b: Readonly<Record<string, number>> | undefined): string {
  return b === undefined
    ? ""
    : `; ${Object.entries(b)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(", ")}`;
}

/** Converts `input` with the CLI (best of `reps`) and copies it with cp (best of `reps`), in the same run. */
export async function measureConversion(
  arch: string,
  format: string,
  input: string,
  reps: number,
  log: (s: string) => void,
): Promise<ConversionFigure> {
  const folder = statSync(input).isDirectory();
  const copy = `${outDir}tmp-copy`;
  const converted = `${outDir}tmp-converted${folder ? "" : input.slice(input.lastIndexOf("."))}`;
  const cp = await best(reps, async () => {
    rmSync(copy, { recursive: true, force: true });
    return run("cp", folder ? ["-r", input, copy] : [input, copy]);
  });
  const conv = await best(reps, async () => {
    rmSync(converted, { recursive: true, force: true });
    return run(cliBin, ["convert", input, "-o", converted, "--json", "--force"], { node: true, json: true });
  });
  rmSync(copy, { recursive: true, force: true });
  rmSync(converted, { recursive: true, force: true });
  const bytes = size(input);
  const fig: ConversionFigure = {
    arch,
    format,
    inputBytes: bytes,
    cpSeconds: cp.seconds,
    convertSeconds: conv.seconds,
    ratio: conv.seconds / cp.seconds,
    peakRssBytes: conv.peakRss,
    rssOverSize: conv.peakRss === undefined ? undefined : conv.peakRss / bytes,
    breakdown: conv.breakdown,
  };
  log(
    `  ${arch} ${format}: ${(bytes / 1e6).toFixed(1)} MB, cp ${cp.seconds.toFixed(2)} s, convert ${conv.seconds.toFixed(2)} s (${fig.ratio.toFixed(2)}x), peak RSS ${((conv.peakRss ?? 0) / 2 ** 20).toFixed(0)} MiB (${(conv.peakRss ?? 0) / bytes > 0 ? ((conv.peakRss ?? 0) / bytes).toFixed(2) : "?"} x size)${breakdownText(conv.breakdown)}`,
  );
  return fig;
}

/** Converts each format of `arch` with the CLI (best of `reps`) and copies it with cp, in the same run. */
export async function conversionBench(
  arch: string,
  reps: number,
  log: (s: string) => void,
): Promise<ConversionFigure[]> {
  const figures: ConversionFigure[] = [];
  for (const f of FORMATS) {
    const input = generateModel(arch, f.gen, `${outDir}models/${arch}${f.ext}`);
    figures.push(await measureConversion(arch, f.format, input, reps, log));
  }
  return figures;
}
