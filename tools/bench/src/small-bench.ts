import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { type ConversionFigure, measureConversion } from "./conversion-bench.js";
import { generateModel } from "./generate-model.js";
import { best, run } from "./measure.js";
import { cliBin, outDir, root } from "./paths.js";

/** The CLI's own cost: `reparam --version`, and converting a model of a few hundred KB. */
export interface StartupFigure {
  readonly versionSeconds: number;
  readonly versionPeakRssBytes: number | undefined;
  /** The tiny model, relative to the repository root. */
  readonly tiny: string;
  readonly tinySeconds: number;
  readonly tinyPeakRssBytes: number | undefined;
}

/** Small models as people ship them, each next to cp of the same input, and the start-up floor (#22). */
export interface SmallFigures {
  readonly startup: StartupFigure;
  readonly models: ConversionFigure[];
}

// The sizes of #22's real models: float16 graph models of ~7 MB (MobileOne-S1 is the nearest family:
// 4.8M parameters, 9.8 MB) and a uint8-quantized layers model of 22.6 MB (RepVGG-A2: 28.2M, 28.4 MB).
const SMALL: ReadonlyArray<{ arch: string; gen: string; quantize: string; format: string; ext: string }> = [
  { arch: "mobileone-s1", gen: "tfjs-graph", quantize: "float16", format: "tfjs graph float16", ext: "-tfjs-graph" },
  { arch: "repvgg-a2", gen: "tfjs-layers", quantize: "uint8", format: "tfjs layers uint8", ext: "-tfjs" },
];

// A committed fixture: RepVGG-sample, uint8 layers model, 124 KB.
const TINY = "tools/models/fixtures/encodings/tfjs-layers-uint8";

/** A quantized copy of a generated float32 TF.js model (made once; reused when present). */
function quantizedModel(float32: string, dtype: string, out: string): string {
  if (existsSync(out)) return out;
  const tmp = `${out}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync("pnpm", ["exec", "tsx", "tools/bench/src/quantize-model.ts", float32, tmp, dtype], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`quantizing ${float32} to ${dtype} failed:\n${r.stderr}`);
  }
  renameSync(tmp, out);
  return out;
}

/** Measures the start-up floor and each small model (best of `reps`, cp in the same run). */
export async function smallBench(reps: number, log: (s: string) => void): Promise<SmallFigures> {
  const version = await best(reps, () => run(cliBin, ["--version"], { node: true }));
  const tinyOut = `${outDir}tmp-tiny`;
  const tiny = await best(reps, () => {
    rmSync(tinyOut, { recursive: true, force: true });
    return run(cliBin, ["convert", `${root}${TINY}`, "-o", tinyOut, "--json", "--force"], { node: true, json: true });
  });
  rmSync(tinyOut, { recursive: true, force: true });
  const mib = (b: number | undefined) => `${((b ?? 0) / 2 ** 20).toFixed(0)} MiB`;
  log(
    `  start-up: --version ${version.seconds.toFixed(2)} s (${mib(version.peakRss)}), tiny convert ${tiny.seconds.toFixed(2)} s (${mib(tiny.peakRss)})`,
  );
  const models: ConversionFigure[] = [];
  for (const m of SMALL) {
    const float32 = generateModel(m.arch, m.gen, `${outDir}models/${m.arch}${m.ext}`);
    const input = quantizedModel(float32, m.quantize, `${outDir}models/${m.arch}${m.ext}-${m.quantize}`);
    models.push(await measureConversion(m.arch, m.format, input, reps, log));
  }
  return {
    startup: {
      versionSeconds: version.seconds,
      versionPeakRssBytes: version.peakRss,
      tiny: TINY,
      tinySeconds: tiny.seconds,
      tinyPeakRssBytes: tiny.peakRss,
    },
    models,
  };
}
