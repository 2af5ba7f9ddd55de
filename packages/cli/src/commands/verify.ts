import { InvalidArgumentError, Option, type Command } from "commander";
import { EXIT } from "../exit-codes.js";
import { examplesHelp, formatsTaking } from "../format-help.js";
import { verifyJson } from "../report-json.js";

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && Number.isFinite(n))) throw new InvalidArgumentError(`${name} must be a number >= 0`);
  return n;
};
const collect = (v: string, prev: string[]) => [...prev, v];
/** `name=rest`: the input name (the last `=` splits, names may hold one) and what follows. */
const named = (flag: string, v: string): [string, string] => {
  const at = v.lastIndexOf("=");
  if (at <= 0) throw new InvalidArgumentError(`${flag} takes name=value, got '${v}'`);
  return [v.slice(0, at), v.slice(at + 1)];
};
const shapeOf = (v: string, prev: Record<string, number[]>) => {
  const [name, text] = named("--shape", v);
  const dims = text === "" ? [] : text.split(/[,x]/).map(Number);
  if (!dims.every((d) => Number.isInteger(d) && d >= 0))
    throw new InvalidArgumentError(`--shape ${name}= takes non-negative integers separated by commas, got '${text}'`);
  return { ...prev, [name]: dims };
};
const inputValue = (v: string, prev: Record<string, number>) => {
  const [name, text] = named("--value", v);
  const n = text === "true" ? 1 : text === "false" ? 0 : Number(text);
  if (text === "" || !Number.isFinite(n))
    throw new InvalidArgumentError(`--value ${name}= takes a number, got '${text}'`);
  return { ...prev, [name]: n };
};

/** `reparam verify`: run original and converted on the same inputs and compare. */
export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "check every fused block against its branches and run the original and the converted model on the same inputs (GPU first, CPU fallback); exits 3 on a mismatch, naming the block",
    )
    .argument("<original>", "the train-time model")
    .argument("<converted>", "the converted model")
    .option(
      "--input <file>",
      "an input: .npy (any float, integer or bool dtype) or raw float32 little-endian (repeatable; default: seeded random)",
      collect,
      [],
    )
    .option(
      "--shape <name=dims>",
      "the shape of a model input, e.g. --shape h0=1,1,64 (repeatable; needed for inputs declared without a shape; default: batch dims 1, free dims the first of 64, 32, 128, 16, 224, 256, 512, 8, 1 the model runs at)",
      shapeOf,
      {},
    )
    .option(
      "--value <name=v>",
      "feed this value to every element of a model input, e.g. --value sample_rate=16000 (repeatable; default: seeded random, integers 0..15)",
      inputValue,
      {},
    )
    .option(
      "--atol <n>",
      "use elementwise tolerances |a - b| <= atol + rtol |b| instead of the derived bounds (default atol 1e-5 when only --rtol is given)",
      positive("--atol"),
    )
    .option(
      "--rtol <n>",
      "elementwise relative tolerance (default 1e-4 when only --atol is given); by default each block is checked within a bound derived from its computation, and the whole model within 1e-5 * max|output|",
      positive("--rtol"),
    )
    .addOption(
      new Option("--backend <backend>", "runtime backend to start from")
        .choices(["auto", "gpu", "cpu", "wasm"])
        .default("auto"),
    )
    .option("--count <n>", "random inputs to try (default 2)", positive("--count"))
    .option("--seed <n>", "seed of the random inputs", positive("--seed"))
    .option("--latency <runs>", "also time each model over this many runs", positive("--latency"))
    .option("--eps <number>", `${formatsTaking("--eps")}: BatchNorm epsilon used for the conversion`, positive("--eps"))
    .option("--json", "print one JSON object on stdout")
    .addHelpText("after", examplesHelp("verify"))
    .action(
      async (
        original: string,
        converted: string,
        f: {
          input: string[];
          shape: Record<string, number[]>;
          value: Record<string, number>;
          atol?: number;
          rtol?: number;
          backend: string;
          count?: number;
          seed?: number;
          latency?: number;
          eps?: number;
          json?: boolean;
        },
      ) => {
        const tolerances = {
          ...(f.atol !== undefined ? { atol: f.atol } : {}),
          ...(f.rtol !== undefined ? { rtol: f.rtol } : {}),
        };
        // Loaded on demand: the runtimes (ONNX Runtime, TF.js, Dawn) are heavy and only verify needs them.
        const { verifyModel, formatVerify } = await import("../verify-model.js");
        const r = await verifyModel(
          original,
          converted,
          {
            backend: f.backend as "auto" | "gpu" | "cpu" | "wasm",
            tolerances,
            ...(f.input.length > 0 ? { inputs: f.input } : {}),
            ...(Object.keys(f.shape).length > 0 ? { shapes: f.shape } : {}),
            ...(Object.keys(f.value).length > 0 ? { values: f.value } : {}),
            ...(f.count !== undefined ? { count: f.count } : {}),
            ...(f.seed !== undefined ? { seed: f.seed } : {}),
            ...(f.latency !== undefined ? { latencyRuns: f.latency } : {}),
          },
          f.eps !== undefined ? { eps: f.eps } : {},
        );
        process.stdout.write(f.json === true ? `${JSON.stringify(verifyJson(r))}\n` : `${formatVerify(r)}\n`);
        if (!r.passed) process.exitCode = EXIT.mismatch;
      },
    );
}
