import { encodeModelJson } from "@reparam/tfjs";
import type { Arch } from "../arch/arch.js";
import { deployArch } from "../arch/deploy-arch.js";
import { outputShape } from "../arch/output-shape.js";
import { dtypeAttr, tensorShape } from "./_graph-attrs.js";
import { tfjsGraph } from "./tfjs-graph.js";
import { type OpenFile, writeTfjsShards } from "./write-tfjs-shards.js";

/** Options of {@link emitTfjsGraph}. */
export interface EmitTfjsGraphOptions {
  readonly seed: number;
  /**
   * `train` (default): the converter's form of the train-time net;
   * `deploy`: the deploy architecture, one `_FusedConv2D` (BiasAdd) per block,
   * with its own random weights (not the fusion of the train form's).
   */
  readonly form?: "train" | "deploy";
  /** Input height = width; default the architecture's. */
  readonly inputSize?: number;
  /** Default 4 MiB. */
  readonly shardBytes?: number;
}

/**
 * Writes a TF.js graph model of `arch` in `form` (see `tfjsGraph`):
 * `model.json` (format `graph-model`, GraphDef JSON, a signature with input
 * `input_1:0` NHWC `[-1, size, size, 3]` and output `Identity:0`) and its
 * shards `group1-shard<i>of<n>.bin`, through `open`. Streaming: one weight's
 * values exist at a time.
 *
 * @returns the bytes of `model.json` (already written) and the shard count.
 */
export async function emitTfjsGraph(
  arch: Arch,
  o: EmitTfjsGraphOptions,
  open: OpenFile,
): Promise<{ modelJson: Uint8Array; shards: number }> {
  const size = o.inputSize ?? arch.inputSize;
  const { nodes, weights, input, output } = tfjsGraph(o.form === "deploy" ? deployArch(arch) : arch, o.seed, size);
  const manifest = await writeTfjsShards(weights, open, o.shardBytes === undefined ? {} : { shardBytes: o.shardBytes });
  const out = outputShape(arch, size);
  // A backbone's [C, H, W] is NHWC [H, W, C] here.
  const outShape = [-1, ...(out.length === 3 ? [out[1]!, out[2]!, out[0]!] : out)];
  const info = (name: string, shape: number[]) => ({
    name,
    dtype: dtypeAttr("DT_FLOAT").type!,
    tensorShape: tensorShape(shape),
  });
  const modelJson = encodeModelJson({
    format: "graph-model",
    generatedBy: "@reparam-tools/models",
    convertedBy: "@reparam-tools/models, mimicking TensorFlow.js Converter output (tfjs 4.22.0)",
    signature: {
      inputs: { [`${input}:0`]: info(`${input}:0`, [-1, size, size, arch.inChannels]) },
      outputs: { [`${output}:0`]: info(`${output}:0`, outShape) },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1395 } },
    weightsManifest: manifest,
  });
  const file = await open("model.json");
  await file.write(modelJson);
  await file.close();
  return { modelJson, shards: manifest[0]!.paths.length };
}
