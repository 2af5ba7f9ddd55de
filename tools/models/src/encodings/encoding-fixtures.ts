import { encodeModel } from "@reparam/onnx";
import { architecture } from "../arch/architectures.js";
import { onnxModel } from "../emit/emit-onnx.js";
import { emitTfjsGraph } from "../emit/emit-tfjs-graph.js";
import { emitTfjsLayers } from "../emit/emit-tfjs-layers.js";
import type { OpenFile } from "../emit/write-tfjs-shards.js";
import { toFloat16Onnx, toFloat16WeightsOnnx } from "./float16-onnx.js";
import { quantizeTfjsModel, type TfjsFiles } from "./quantize-tfjs-model.js";
import { qdqBiasAddOnnx, toQdqOnnx } from "./qdq-onnx.js";

/** Seeds of the float16 graph models that share one folder. */
export const GRAPH_FLOAT16_SEEDS = [0, 1, 2] as const;

/** One fixture: where its main file is (relative to the fixtures folder) and what it is. */
export interface EncodingFixture {
  readonly main: string;
  readonly format: "tfjs" | "onnx";
  /** Storage of its weights: `uint8`, `uint16`, `float16`, `qdq-int8` (`-exact`: a block folds through its DequantizeLinear). */
  readonly encoding: string;
}

/** The fixtures {@link encodingFixtures} writes, by main file. */
export const ENCODING_FIXTURES: readonly EncodingFixture[] = [
  { main: "tfjs-layers-uint8/model.json", format: "tfjs", encoding: "uint8" },
  { main: "tfjs-layers-uint16/model.json", format: "tfjs", encoding: "uint16" },
  ...GRAPH_FLOAT16_SEEDS.map(
    (s): EncodingFixture => ({ main: `tfjs-graph-float16/seed${s}.json`, format: "tfjs", encoding: "float16" }),
  ),
  { main: "float16.onnx", format: "onnx", encoding: "float16" },
  { main: "float16-weights.onnx", format: "onnx", encoding: "float16" },
  { main: "qdq.onnx", format: "onnx", encoding: "qdq-int8" },
  { main: "qdq-bias-add.onnx", format: "onnx", encoding: "qdq-int8-exact" },
];

async function emitted(emit: (open: OpenFile) => Promise<unknown>): Promise<TfjsFiles> {
  const files: TfjsFiles = new Map();
  await emit(async (path) => {
    const parts: Uint8Array[] = [];
    return {
      write: async (b: Uint8Array) => void parts.push(b.slice()),
      close: async () => {
        const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        let at = 0;
        for (const p of parts) all.set(p, (at += p.byteLength) - p.byteLength);
        files.set(path, all);
      },
    };
  });
  return files;
}

/**
 * Models that ship their weights in an encoding other than float32, as
 * people ship them, built from `repvgg-sample` (seeded, deterministic, a
 * few hundred KB in all), by path relative to the fixtures folder:
 *
 * - `tfjs-layers-uint8/`, `tfjs-layers-uint16/`: the train-form layers model
 *   with every float weight quantized as `tensorflowjs_converter
 *   --quantize_uint8/--quantize_uint16` writes it;
 * - `tfjs-graph-float16/seed<N>.json` + `seed<N>-shard1of1.bin`: several
 *   train-form graph models in one folder, `--quantize_float16`;
 * - `float16.onnx`: the train-form ONNX model (Conv -> BatchNormalization)
 *   with every tensor, input and output float16;
 * - `float16-weights.onnx`: the train-form ONNX model computed in float32
 *   with its weights stored float16, each behind a `Cast` to float;
 * - `qdq.onnx`: the train-form ONNX model with each Conv weight int8 behind
 *   a `DequantizeLinear`;
 * - `qdq-bias-add.onnx`: one int8 Conv behind a DequantizeLinear, then a
 *   bias `Add` (a fold that leaves the kernel as it is).
 */
export async function encodingFixtures(): Promise<Map<string, Uint8Array>> {
  const arch = architecture("repvgg-sample");
  const out = new Map<string, Uint8Array>();
  const put = (folder: string, files: TfjsFiles) => {
    for (const [p, b] of files) out.set(`${folder}/${p}`, b);
  };
  const layers = await emitted((open) => emitTfjsLayers(arch, { seed: 0, form: "train" }, open));
  put("tfjs-layers-uint8", await quantizeTfjsModel(layers, "uint8"));
  put("tfjs-layers-uint16", await quantizeTfjsModel(layers, "uint16"));
  for (const seed of GRAPH_FLOAT16_SEEDS) {
    const graph = await emitted((open) => emitTfjsGraph(arch, { seed, form: "train" }, open));
    put("tfjs-graph-float16", await quantizeTfjsModel(graph, "float16", `seed${seed}`));
  }
  out.set("float16.onnx", encodeModel(toFloat16Onnx(onnxModel(arch, { seed: 0, variant: "train" }))));
  out.set("float16-weights.onnx", encodeModel(toFloat16WeightsOnnx(onnxModel(arch, { seed: 0, variant: "train" }))));
  out.set("qdq.onnx", encodeModel(toQdqOnnx(onnxModel(arch, { seed: 0, variant: "train" }))));
  out.set("qdq-bias-add.onnx", encodeModel(qdqBiasAddOnnx()));
  return out;
}
