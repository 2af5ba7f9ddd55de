import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectSink } from "@reparam/core";
import { decodeModel, encodeModel, externalizeTensors } from "@reparam/onnx";
import { fixturesDir } from "@reparam-tools/conformance";
import { emitOnnx, emitSafetensors, emitTfjsGraph, emitTfjsLayers, repvggArch } from "@reparam-tools/models";
import type { ModelFiles } from "./model-files.js";
import { splitSafetensors } from "./split-safetensors.js";

/** A small RepVGG (three blocks, widths 4 and 8, input 8x8): conversions take milliseconds. */
const tinyArch = repvggArch(
  { depths: [1, 1], a: 1, b: 1 },
  { name: "tiny", widths: [4, 8], stem: 4, classes: 3, inputSize: 8 },
);

/** `torch.save` files of a real torch (1.13) from the pytorch package's tests: a tiny RepVGG pickled as a whole `nn.Module`. */
const torchFixtures = fileURLToPath(new URL("../../../packages/pytorch/test/fixtures/", import.meta.url));

function fixture(format: ModelFiles["format"], folder: string, name: string, label: string): ModelFiles {
  const files = new Map<string, Uint8Array>();
  if (format === "tfjs") {
    for (const f of readdirSync(folder)) files.set(f, new Uint8Array(readFileSync(join(folder, f))));
  } else files.set(name, new Uint8Array(readFileSync(join(folder, name))));
  return { format, label, name, files };
}

/** In-memory files for the tools/models emitters. */
function memoryFolder(): {
  files: Map<string, Uint8Array>;
  open: (p: string) => Promise<{ write(c: Uint8Array): Promise<void>; close(): Promise<void> }>;
} {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    open: (path) => {
      const sink = collectSink();
      return Promise.resolve({ write: (c) => sink.write(c), close: async () => void files.set(path, sink.bytes()) });
    },
  };
}

async function generated(): Promise<ModelFiles[]> {
  const onnxSink = collectSink();
  await emitOnnx(tinyArch, { seed: 1, variant: "train" }, onnxSink);
  const onnx = onnxSink.bytes();
  // The same model with every initializer of 64 bytes or more in `weights.bin` (offsets 64-aligned).
  const model = decodeModel(onnx.slice());
  const dataSink = collectSink();
  await externalizeTensors(model, { location: "weights.bin", threshold: 64, alignment: 64 }, dataSink);
  const folded = collectSink();
  await emitOnnx(tinyArch, { seed: 2, variant: "folded" }, folded);
  const st = collectSink();
  await emitSafetensors(tinyArch, { seed: 3 }, st);
  const sharded = await splitSafetensors(st.bytes(), 3, "model");
  const layers = memoryFolder();
  await emitTfjsLayers(tinyArch, { seed: 4, shardBytes: 1024 }, layers.open);
  const graph = memoryFolder();
  await emitTfjsGraph(tinyArch, { seed: 5, shardBytes: 1024 }, graph.open);
  return [
    { format: "onnx", label: "generated onnx", name: "model.onnx", files: new Map([["model.onnx", onnx]]) },
    {
      format: "onnx",
      label: "generated onnx folded",
      name: "model.onnx",
      files: new Map([["model.onnx", folded.bytes()]]),
    },
    {
      format: "onnx",
      label: "generated onnx external data",
      name: "model.onnx",
      files: new Map([
        ["model.onnx", encodeModel(model)],
        ["weights.bin", dataSink.bytes()],
      ]),
    },
    {
      format: "safetensors",
      label: "generated safetensors",
      name: "model.safetensors",
      files: new Map([["model.safetensors", st.bytes()]]),
    },
    {
      format: "safetensors",
      label: "generated safetensors sharded",
      name: "model.safetensors.index.json",
      files: sharded,
    },
    { format: "tfjs", label: "generated tfjs layers sharded", name: "model.json", files: layers.files },
    { format: "tfjs", label: "generated tfjs graph sharded", name: "model.json", files: graph.files },
  ];
}

/**
 * The valid models mutations start from: generated ones (ONNX train and
 * PyTorch-folded forms, ONNX with external data, safetensors single and
 * sharded with an index, TF.js layers and graph models in 1 KiB shards),
 * a few conformance fixtures of each format and two whole pickled PyTorch
 * models (zip and legacy) (read, never written).
 */
export async function seedCorpus(): Promise<ModelFiles[]> {
  const tfjs = join(fixturesDir, "tfjs");
  const pth = join(fixturesDir, "pth");
  return [
    ...(await generated()),
    fixture("onnx", fixturesDir, "acnet.train.onnx", "conformance acnet.train.onnx"),
    fixture("onnx", fixturesDir, "mobileone.train_unfolded.onnx", "conformance mobileone.train_unfolded.onnx"),
    fixture("safetensors", fixturesDir, "qarepvgg.train.safetensors", "conformance qarepvgg.train.safetensors"),
    fixture("safetensors", fixturesDir, "acnet.train_f16.safetensors", "conformance acnet.train_f16.safetensors"),
    fixture("tfjs", join(tfjs, "acnet", "layers-sharded"), "model.json", "conformance tfjs acnet layers-sharded"),
    fixture("tfjs", join(tfjs, "mobileone", "graph"), "model.json", "conformance tfjs mobileone graph"),
    fixture("pytorch", pth, "acnet.train.pth", "conformance acnet.train.pth"),
    fixture("pytorch", pth, "acnet.train_legacy.pth", "conformance acnet.train_legacy.pth"),
    fixture("pytorch", pth, "qarepvgg.train_ckpt.pth", "conformance qarepvgg.train_ckpt.pth"),
    fixture("pytorch", pth, "acnet.train_f16.pth", "conformance acnet.train_f16.pth"),
    fixture("pytorch", torchFixtures, "full_model.pt", "pytorch test full_model.pt"),
    fixture("pytorch", torchFixtures, "full_model_legacy.pt", "pytorch test full_model_legacy.pt"),
  ];
}
