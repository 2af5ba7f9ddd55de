// CLI: pnpm exec tsx tools/models/src/generate.ts --arch repvgg-a0 --format onnx --out a0.onnx [--seed N] [--size N]
import { parseArgs } from "node:util";
import { ReparamError, isReparamError } from "@reparam/core";
import { ARCHITECTURE_NAMES, architecture } from "./arch/architectures.js";
import { paramCounts } from "./arch/param-count.js";
import { MODEL_FORMATS, type ModelFormat, generateModel } from "./generate-model.js";

const USAGE = `usage: generate --arch NAME --format FORMAT --out PATH [options]

  --arch NAME        ${ARCHITECTURE_NAMES.join(", ")}
  --format FORMAT    ${MODEL_FORMATS.join(", ")}
  --out PATH         output file (a folder for tfjs-*)
  --seed N           random seed (default 0); same seed, same bytes
  --size N           input height = width (default 224; 32 for repvgg-sample, dbb-sample)
  --dynamic-batch    ONNX input [batch, 3, N, N] instead of [1, 3, N, N]
  --naming NAME      official (default) or timm block key names (RepVGG, MobileOne)
  --tfjs-padding P   explicit (default: ZeroPadding2D + valid, as PyTorch) or same
  --list             print the architectures with their parameter counts`;

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      arch: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      seed: { type: "string", default: "0" },
      size: { type: "string" },
      "dynamic-batch": { type: "boolean", default: false },
      naming: { type: "string" },
      "tfjs-padding": { type: "string" },
      list: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  if (values.list) {
    for (const name of ARCHITECTURE_NAMES) {
      const { train, deploy } = paramCounts(architecture(name));
      console.log(
        `${name.padEnd(16)} ${(train / 1e6).toFixed(2).padStart(7)}M train  ${(deploy / 1e6).toFixed(2).padStart(7)}M deploy`,
      );
    }
    return;
  }
  const arch = architecture(required(values.arch, "--arch"), {
    ...(values.size === undefined ? {} : { inputSize: int(values.size, "--size") }),
    ...(values.naming === undefined ? {} : { naming: oneOf(values.naming, ["official", "timm"] as const, "--naming") }),
  });
  const format = oneOf(required(values.format, "--format"), MODEL_FORMATS, "--format") as ModelFormat;
  const out = required(values.out, "--out");
  const start = performance.now();
  const bytes = await generateModel(arch, {
    format,
    out,
    seed: int(values.seed, "--seed"),
    dynamicBatch: values["dynamic-batch"],
    ...(values.size === undefined ? {} : { inputSize: int(values.size, "--size") }),
    ...(values["tfjs-padding"] === undefined
      ? {}
      : { tfjsPadding: oneOf(values["tfjs-padding"], ["explicit", "same"] as const, "--tfjs-padding") }),
  });
  const seconds = ((performance.now() - start) / 1000).toFixed(2);
  console.log(`wrote ${out}: ${arch.name} ${format}, ${bytes} bytes in ${seconds} s`);
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new ReparamError("MODELS_BAD_ARGUMENT", `${flag} is required`, { hint: USAGE });
  return value;
}

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ReparamError("MODELS_BAD_ARGUMENT", `${flag} must be a non-negative integer`, { found: value });
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ReparamError("MODELS_BAD_ARGUMENT", `unknown ${flag}`, { expected: allowed.join(", "), found: value });
  }
  return value as T;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isReparamError(error)) {
    console.error(`error ${error.code}: ${error.message}`);
    if (error.hint !== undefined) console.error(error.hint);
    process.exit(1);
  }
  console.error(error);
  process.exit(2);
});
