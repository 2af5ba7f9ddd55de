import type { FusedWeightMaker } from "./_fused-weights.js";
import { layerName, type KerasNode } from "../view/_keras-graph.js";
import { kerasFusedLayers } from "./_keras-fused-layers.js";
import { denseWeights, isDenseLayersBlock, kerasFusedDense } from "./_dense-fused.js";
import { mapRefs, tensorId, type TensorRef } from "../view/_keras-refs.js";
import { layersView } from "../view/_layers-view.js";
import { replaceWeights, type WeightSwap } from "./_replace-weights.js";
import { uniqueNames } from "./_unique-names.js";
import { unknownBlock } from "./_unknown-block.js";
import type { KerasLayerJson, LayersTopologyJson } from "../codec/layers-topology.js";
import type { RewrittenWeight } from "./rewritten-weight.js";
import type { TfjsFusion } from "./tfjs-fusion.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

const CARRY = ["batch_input_shape", "batch_shape", "dtype"];

/**
 * Replaces each fused block of a layers model by its conv layers (see
 * {@link kerasFusedLayers}), placed where the block's first layer was;
 * readers of the block output (`inbound_nodes`, `output_layers`) read the
 * conv instead. The block's layers and their weights go; the new weights are
 * `<conv>/kernel` (or `depthwise_kernel`) and `<conv>/bias`. In a Sequential
 * model the first layer's input shape moves to the first new layer.
 */
export function rewriteLayers(
  model: TfjsModel,
  fusions: readonly TfjsFusion[],
  fused: FusedWeightMaker,
): { topology: LayersTopologyJson; weights: RewrittenWeight[] } {
  const lv = layersView(model);
  const { graph } = lv;
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const layers = graph.model.config.layers;
  const fresh = uniqueNames(layers.map(layerName));
  const replaced = new Map<string, TensorRef>(); // block output tensor id -> conv output
  const insertAt = new Map<number, KerasLayerJson[]>();
  const removed = new Set<number>();
  const swaps: WeightSwap[] = [];
  for (const fusion of fusions) {
    const { candidate, plan } = fusion;
    const site = candidate.site;
    const nodes = site.nodes.map((id) => byId.get(id)).filter((n): n is KerasNode => n !== undefined);
    const x = lv.refs.get(site.input);
    const reader = nodes.find((n) => n.inputs.length === 1 && tensorId(n.inputs[0]!) === site.input);
    if (nodes.length !== site.nodes.length || x === undefined || reader === undefined)
      throw unknownBlock(candidate, `layers ${site.nodes.join(", ")} reading ${site.input}`);
    const name = fresh(`${candidate.name}_reparam_conv`);
    const pad = `${name}_pad`;
    const inbound = (from: string | undefined): unknown[] | undefined => {
      if (graph.sequential) return undefined;
      const src: TensorRef = from === undefined ? x : { layer: from, node: 0, tensor: 0 };
      return [mapRefs(reader.layer.inbound_nodes?.[reader.call], () => src)];
    };
    const size = lv.view.spatialSize(site.input) ?? candidate.layout.inputSize;
    const template = nodes.map((n) => n.layer);
    // A Linear (Dense read as a 1x1 conv) is written back as a Dense.
    const dense = isDenseLayersBlock(template);
    const made = dense
      ? kerasFusedDense(plan, name, template, inbound)
      : kerasFusedLayers(plan, candidate.layout.inChannels, size, { conv: name, pad: fresh(pad) }, template, inbound);
    const first = Math.min(...nodes.map((n) => n.index));
    let added = [...made.layers];
    if (graph.sequential && first === 0) {
      const carry = Object.entries(layers[0]!.config).filter(([k]) => CARRY.includes(k));
      added = added.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, ...Object.fromEntries(carry) } } : l));
    }
    insertAt.set(first, added);
    for (const n of nodes) removed.add(n.index);
    replaced.set(site.output, { layer: name, node: 0, tensor: 0 });
    const kernelName = `${name}/${made.kernelName}`;
    const drop = new Set(nodes.flatMap((n) => lv.weightsOf.get(n.id) ?? []));
    const add = fused(
      fusion,
      { kernel: kernelName, bias: `${name}/bias` },
      model.weights.filter((w) => drop.has(w.name)),
    );
    swaps.push({ drop, add: dense ? denseWeights(add) : add });
  }
  const rewire = (v: unknown): unknown => mapRefs(v, (r) => replaced.get(tensorId(r)) ?? r);
  // New layers are rewired too: a block may read the output of the block before it.
  const rewired = (layer: KerasLayerJson): KerasLayerJson =>
    layer.inbound_nodes === undefined ? layer : { ...layer, inbound_nodes: rewire(layer.inbound_nodes) as unknown[] };
  const out: KerasLayerJson[] = [];
  layers.forEach((layer, i) => {
    out.push(...(insertAt.get(i) ?? []).map(rewired));
    if (!removed.has(i)) out.push(rewired(layer));
  });
  const config = {
    ...graph.model.config,
    layers: out,
    ...("output_layers" in graph.model.config
      ? { output_layers: rewire(graph.model.config.output_layers) as unknown[] }
      : {}),
  };
  const kmodel = { ...graph.model, config };
  const t = model.json.modelTopology as Record<string, unknown>;
  const topology = (
    typeof t.model_config === "object" && t.model_config !== null ? { ...t, model_config: kmodel } : kmodel
  ) as LayersTopologyJson;
  return { topology, weights: replaceWeights(model.weights, swaps) };
}
