/// <reference types="node" />
// The built CLI run on real files, for the no-data-loss tests: models on disk, a run (optionally
// killed), and a snapshot of a folder to compare outputs and inputs by their bytes.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectSink } from "@reparam/core";
import { decodeModel, encodeModel, externalizeTensors } from "@reparam/onnx";
import { architecture, emitOnnx, emitSafetensors, emitTfjsLayers } from "@reparam-tools/models";
import { splitSafetensors } from "../src/index.js";

export const bin = fileURLToPath(new URL("../../../packages/cli/dist/bin.js", import.meta.url));

/** A model on disk for the CLI: the path to pass and the output path to ask for. */
export interface CliModel {
  readonly label: string;
  /** The input folder (checked unchanged). */
  readonly dir: string;
  /** What `reparam convert` is given. */
  readonly input: string;
  /** The output's name inside an output folder (a file, or a folder for TF.js). */
  readonly outName: string;
}

function write(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
}

/**
 * RepVGG-A0 (8.3 M parameters, 33 MB in float32: a conversion long enough
 * to be killed at every phase) as ONNX, ONNX with external data,
 * safetensors in 3 shards with an index, and TF.js layers in 4 MiB shards.
 */
export async function cliModels(root: string): Promise<CliModel[]> {
  const arch = architecture("repvgg-a0");
  const onnx = collectSink();
  await emitOnnx(arch, { seed: 1, variant: "train", inputSize: 32 }, onnx);
  const onnxBytes = onnx.bytes();
  const model = decodeModel(onnxBytes.slice());
  const data = collectSink();
  await externalizeTensors(model, { location: "model.onnx.data" }, data);
  const st = collectSink();
  await emitSafetensors(arch, { seed: 2 }, st);
  const tfjs = new Map<string, Uint8Array>();
  await emitTfjsLayers(arch, { seed: 3, inputSize: 32 }, (path) => {
    const sink = collectSink();
    return Promise.resolve({
      write: (c: Uint8Array) => sink.write(c),
      close: async () => void tfjs.set(path, sink.bytes()),
    });
  });
  write(join(root, "onnx"), new Map([["model.onnx", onnxBytes]]));
  write(
    join(root, "onnx-external"),
    new Map([
      ["model.onnx", encodeModel(model)],
      ["model.onnx.data", data.bytes()],
    ]),
  );
  write(join(root, "safetensors-sharded"), await splitSafetensors(st.bytes(), 3, "model"));
  write(join(root, "tfjs"), tfjs);
  return [
    { label: "onnx", dir: join(root, "onnx"), input: join(root, "onnx", "model.onnx"), outName: "out.onnx" },
    {
      label: "onnx external data",
      dir: join(root, "onnx-external"),
      input: join(root, "onnx-external", "model.onnx"),
      outName: "out.onnx",
    },
    {
      label: "safetensors sharded",
      dir: join(root, "safetensors-sharded"),
      input: join(root, "safetensors-sharded", "model.safetensors.index.json"),
      outName: "out.safetensors.index.json",
    },
    { label: "tfjs layers sharded", dir: join(root, "tfjs"), input: join(root, "tfjs", "model.json"), outName: "out" },
  ];
}

/** Every file below `dir` (relative path -> SHA-256), temporary staging folders included. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else
        out.set(
          r,
          createHash("sha256")
            .update(readFileSync(join(dir, r)))
            .digest("hex"),
        );
    }
  };
  walk("");
  return out;
}

/** What a run of the CLI ended with. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `reparam convert input -o output --quiet [...args]` (making the output's folder first: the CLI
 * writes only into an existing one); with `killAfterMs`, SIGKILLs it then (if still running).
 */
export function convert(input: string, output: string, args: string[] = [], killAfterMs?: number): Promise<CliRun> {
  mkdirSync(dirname(output), { recursive: true });
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [bin, "convert", input, "-o", output, "--quiet", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, ms: performance.now() - started });
    });
  });
}
