import { availableParallelism } from "node:os";
import { schemeFamilies } from "@reparam/safetensors/detect";
import { InvalidArgumentError, Option, type Command } from "commander";
import { convertModel, type ConvertModelOptions } from "../convert-model.js";
import { DEFAULT_THREADS, fuserFor } from "../host/fuse-threads.js";
import { EXIT } from "../exit-codes.js";
import { expandInputs } from "../expand-inputs.js";
import { formatSummary } from "../print-summary.js";
import { convertJson } from "../report-json.js";
import { examplesHelp, formatChoices, formatsTaking, inputHelp } from "../format-help.js";

interface ConvertFlags {
  output?: string;
  format: string;
  scheme?: string;
  eps?: string;
  dtype: string;
  chains: string;
  only?: string;
  exclude: string[];
  json?: boolean;
  quiet?: boolean;
  strict?: boolean;
  verify?: boolean;
  force?: boolean;
  keepWeightInputs?: boolean;
  jobs?: number;
  threads: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function parseEps(v: string): string {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError("expected a number between 0 and 1, e.g. 1e-3");
  return v;
}

function parseJobs(v: string): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1)) throw new InvalidArgumentError("expected a whole number >= 1");
  return n;
}

/** `reparam convert`: train-time model in, deploy model out. */
export function registerConvert(program: Command): void {
  program
    .command("convert")
    .description("fuse every re-parameterizable block of a model and write its deploy form")
    .argument("<inputs...>", `${inputHelp()}; several, or a quoted pattern ('models/*.onnx'), convert a batch`)
    .option(
      "-o, --output <path>",
      "output path, in an existing folder (default: next to the input, with .deploy before the extension; TF.js: a sibling folder, or NAME.deploy/ beside a NAME.json); for a batch, an existing folder that receives every output under its default name",
    )
    .addOption(new Option("--format <format>", "input format").choices(formatChoices).default("auto"))
    .option(
      "--scheme <name>",
      `state-dict naming scheme (${formatsTaking("--scheme")}): ${schemeFamilies.map((s) => s.scheme).join(", ")} (default: detected)`,
    )
    .option(
      "--eps <number>",
      `BatchNorm epsilon where the format does not store it (${formatsTaking("--eps")}; default 1e-5, YOLO uses 1e-3)`,
      parseEps,
    )
    .addOption(new Option("--dtype <dtype>", "dtype of fused weights").choices(["keep", "f32", "f16"]).default("keep"))
    .addOption(
      new Option(
        "--chains <which>",
        "graphs: exact chains of convs that become one conv: those no more costly than the chain (cheaper), or every one (all: fewest ops, maybe slower)",
      )
        .choices(["cheaper", "all"])
        .default("cheaper"),
    )
    .addOption(
      new Option(
        "--only <kind>",
        "only this kind of fusion: conv+BN folds (bn) or multi-branch blocks (branches)",
      ).choices(["bn", "branches"]),
    )
    .option(
      "--exclude <pattern>",
      "leave blocks whose name matches: text without * anywhere in the name, a * glob from its start to the end of the name or of a segment (head* matches /head/Conv and head.0; a leading / is optional); or the one block whose id (reparam inspect lists ids) it is; repeatable; one that matches no block is a warning",
      collect,
      [],
    )
    .option(
      "--keep-weight-inputs",
      "ONNX: initializers also listed as graph inputs (keep_initializers_as_inputs) stay run-time inputs; blocks reading them are refused instead of fused",
    )
    .option(
      "--verify",
      "after converting, run original and converted (or check a state dict block by block); exit 3 on a mismatch",
    )
    .option("--json", "print one JSON object on stdout and nothing else (schema: @reparam/cli/report.schema.json)")
    .option(
      "-q, --quiet",
      "print only errors: no progress, summary or warnings (the exit status tells); --json still prints its object",
    )
    .option(
      "--strict",
      "treat warnings as errors (exit 1, nothing written): an --exclude pattern that matches no block, nothing to fuse",
    )
    .option("-f, --force", "overwrite an existing output")
    .option(
      "--jobs <n>",
      `batch: models converted at once (default: ${availableParallelism()}, the number of cores)`,
      parseJobs,
    )
    .addOption(
      new Option(
        "--threads <n>",
        `threads that fuse a large block (2: half its output channels on a worker thread, same bytes; default: ${DEFAULT_THREADS})`,
      )
        .choices(["1", "2"])
        .default(String(DEFAULT_THREADS)),
    )
    .addHelpText(
      "after",
      `${examplesHelp("convert")}\n  reparam convert a.onnx web_model/ 'runs/*/best.onnx' -o deploy/ --jobs 2`,
    )
    .action(async (args: string[], f: ConvertFlags) => {
      const eps = f.eps === undefined ? undefined : Number(f.eps);
      const options = {
        format: f.format,
        dtype: f.dtype as "keep" | "f32" | "f16",
        chains: f.chains as "cheaper" | "all",
        exclude: f.exclude,
        force: f.force === true,
        progress: !(f.json === true || f.quiet === true),
        strict: f.strict === true,
        ...(f.output !== undefined ? { output: f.output } : {}),
        ...(f.scheme !== undefined ? { scheme: f.scheme } : {}),
        ...(eps !== undefined ? { eps } : {}),
        ...(f.only !== undefined ? { only: f.only as "bn" | "branches" } : {}),
        ...(f.keepWeightInputs === true ? { initializersAsInputs: "inputs" as const } : {}),
      };
      const fuser = fuserFor(Number(f.threads));
      try {
        await run(args, f, fuser === undefined ? options : { ...options, fuser: fuser.fuse });
      } finally {
        await fuser?.close();
      }
    });
}

type Options = ConvertModelOptions & { readonly progress: boolean };

async function run(args: string[], f: ConvertFlags, options: Options): Promise<void> {
  const inputs = await expandInputs(args);
  const [only] = inputs;
  if (only === undefined || inputs.length > 1 || only.pattern) {
    // Loaded on demand: one model, the common case, pays for none of the batch code.
    const { runBatch } = await import("../run-batch.js");
    const batch = { ...options, jobs: f.jobs ?? availableParallelism(), verify: f.verify === true };
    process.exitCode = await runBatch(inputs, batch, { json: f.json === true, quiet: f.quiet === true });
    return;
  }
  const result = await convertModel(args[0] as string, options);
  if (f.quiet !== true) for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  if (f.verify !== true) {
    if (f.json === true) process.stdout.write(`${JSON.stringify(convertJson(result))}\n`);
    else if (f.quiet !== true) process.stdout.write(`${formatSummary(result)}\n`);
    return;
  }
  // Loaded on demand: the runtimes are heavy and only verification needs them.
  const { verifyModel, formatVerify } = await import("../verify-model.js");
  const verify = await verifyModel(result.input, result.output, {}, options);
  if (f.json === true) process.stdout.write(`${JSON.stringify(convertJson(result, verify))}\n`);
  else if (f.quiet !== true) process.stdout.write(`${formatSummary(result)}\n\n${formatVerify(verify)}\n`);
  else if (!verify.passed)
    process.stderr.write("error: verify found outputs beyond tolerance (run without --quiet for the report)\n");
  if (!verify.passed) process.exitCode = EXIT.mismatch;
}
