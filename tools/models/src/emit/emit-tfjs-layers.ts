import { encodeModelJson } from "@reparam/tfjs";
import type { Arch } from "../arch/arch.js";
import { deployArch } from "../arch/deploy-arch.js";
import { type TfjsPadding, tfjsLayersGraph } from "./tfjs-layers-graph.js";
import { type OpenFile, writeTfjsShards } from "./write-tfjs-shards.js";

/** Options of {@link emitTfjsLayers}. */
export interface EmitTfjsLayersOptions {
  readonly seed: number;
  /** `train` (default): conv + BN branches; `deploy`: one Conv2D with bias per block. */
  readonly form?: "train" | "deploy";
  /** Input height = width; default the architecture's. */
  readonly inputSize?: number;
  /** Default `explicit` (ZeroPadding2D before strided convs, PyTorch's padding). */
  readonly padding?: TfjsPadding;
  /** Default 4 MiB. */
  readonly shardBytes?: number;
}

/**
 * Writes a TF.js layers model of `arch` (NHWC input `[null, size, size, 3]`,
 * float32 weights) into a folder: `model.json` and its shards
 * `group1-shard<i>of<n>.bin`, through `open` (paths relative to the folder).
 * Streaming: one weight's values exist at a time.
 *
 * @returns the bytes of `model.json` (already written) and the shard count.
 */
export async function emitTfjsLayers(
  arch: Arch,
  o: EmitTfjsLayersOptions,
  open: OpenFile,
): Promise<{ modelJson: Uint8Array; shards: number }> {
  const a = o.form === "deploy" ? deployArch(arch) : arch;
  const { layers, weights, output } = tfjsLayersGraph(
    a,
    o.seed,
    o.inputSize ?? arch.inputSize,
    o.padding ?? "explicit",
  );
  const manifest = await writeTfjsShards(weights, open, o.shardBytes === undefined ? {} : { shardBytes: o.shardBytes });
  const modelJson = encodeModelJson({
    modelTopology: {
      class_name: "Model",
      config: { name: arch.name, layers, input_layers: [["input_1", 0, 0]], output_layers: [[output, 0, 0]] },
      keras_version: "tfjs-layers 4.22.0",
      backend: "tensor_flow.js",
    },
    format: "layers-model",
    generatedBy: "@reparam-tools/models",
    convertedBy: null,
    weightsManifest: manifest,
  });
  const file = await open("model.json");
  await file.write(modelJson);
  await file.close();
  return { modelJson, shards: manifest[0]!.paths.length };
}
