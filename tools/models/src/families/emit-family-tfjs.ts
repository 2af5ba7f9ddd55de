import { encodeModelJson } from "@reparam/tfjs";
import { dtypeAttr, tensorShape } from "../emit/_graph-attrs.js";
import { type OpenFile, writeTfjsShards } from "../emit/write-tfjs-shards.js";
import { familyGraph } from "./family-graph.js";
import { familyLayers } from "./family-layers.js";
import type { FamilyNet, StateDict } from "./family-net.js";

/** The two TF.js forms of a family net. */
export type FamilyTfjsFormat = "graph" | "layers";

/**
 * Writes a family net as a TF.js model (`model.json` and one
 * `group1-shard1of1.bin`, through `open`): `graph`, see {@link familyGraph}
 * (input `input_1:0`, output `Identity:0`); `layers`, see
 * {@link familyLayers}. Same net and state dict, same bytes.
 *
 * @param outShape - the output's shape (NHWC, or `[N, F]`), for the graph signature.
 * @throws ReparamError `MODELS_UNSUPPORTED` for `layers` of a net with a
 *   difference or a constant scale.
 */
export async function emitFamilyTfjs(
  net: FamilyNet,
  dict: StateDict,
  format: FamilyTfjsFormat,
  outShape: readonly number[],
  open: OpenFile,
): Promise<Uint8Array> {
  let modelJson: Uint8Array;
  if (format === "graph") {
    const { nodes, weights, output } = familyGraph(net, dict);
    const weightsManifest = await writeTfjsShards(weights, open);
    const info = (name: string, shape: readonly number[]) => ({
      name,
      dtype: dtypeAttr("DT_FLOAT").type!,
      tensorShape: tensorShape([-1, ...shape.slice(1)]),
    });
    modelJson = encodeModelJson({
      format: "graph-model",
      generatedBy: "@reparam-tools/models",
      convertedBy: "@reparam-tools/models, mimicking TensorFlow.js Converter output (tfjs 4.22.0)",
      signature: {
        inputs: { "input_1:0": info("input_1:0", net.input) },
        outputs: { [`${output}:0`]: info(`${output}:0`, outShape) },
      },
      modelTopology: { node: nodes, library: {}, versions: { producer: 1395 } },
      weightsManifest,
    });
  } else {
    const { layers, weights, output } = familyLayers(net, dict);
    const weightsManifest = await writeTfjsShards(weights, open);
    modelJson = encodeModelJson({
      modelTopology: {
        class_name: "Model",
        config: { name: net.name, layers, input_layers: [["input_1", 0, 0]], output_layers: [[output, 0, 0]] },
        keras_version: "tfjs-layers 4.22.0",
        backend: "tensor_flow.js",
      },
      format: "layers-model",
      generatedBy: "@reparam-tools/models",
      convertedBy: null,
      weightsManifest,
    });
  }
  const file = await open("model.json");
  await file.write(modelJson);
  await file.close();
  return modelJson;
}
