import { kerasModel } from "../codec/keras-model.js";
import type { KerasLayerJson, KerasModelJson, LayersTopologyJson } from "../codec/layers-topology.js";
import { collectRefs, endpointRefs, type TensorRef } from "./_keras-refs.js";

/** One call of a layer: a node of the Keras graph. */
export interface KerasNode {
  /** The layer name, or `name#call` for a layer called more than once. */
  readonly id: string;
  readonly layer: KerasLayerJson;
  /** Position of the layer in `config.layers`. */
  readonly index: number;
  /** Which call (inbound node) of the layer. */
  readonly call: number;
  readonly inputs: readonly TensorRef[];
  /** Called more than once: its weights are shared, it is never fused. */
  readonly shared: boolean;
}

/** A Keras model config read as a graph of layer calls. */
export interface KerasGraph {
  readonly model: KerasModelJson;
  /** A `Sequential` model: a chain with no `inbound_nodes`. */
  readonly sequential: boolean;
  readonly nodes: readonly KerasNode[];
  readonly outputs: readonly TensorRef[];
}

/** The name of the virtual input tensor of a `Sequential` model. */
export const SEQUENTIAL_INPUT = "<sequential input>";

/** A layer's name (`name`, or `config.name` as older writers keep it). */
export function layerName(layer: KerasLayerJson): string {
  return String(layer.name ?? layer.config.name);
}

/**
 * Reads a layers-model topology (plain or wrapped by the Python converter)
 * as a graph of layer calls: functional models from `inbound_nodes` (Keras 2
 * nested lists or Keras 3 `keras_history`), `Sequential` models as a chain
 * fed by {@link SEQUENTIAL_INPUT}.
 */
export function kerasGraph(topology: LayersTopologyJson): KerasGraph {
  const model = kerasModel(topology);
  const layers = model.config.layers;
  const sequential = model.class_name === "Sequential" || layers.every((l) => l.inbound_nodes === undefined);
  const nodes: KerasNode[] = [];
  if (sequential) {
    let prev: TensorRef = { layer: SEQUENTIAL_INPUT, node: 0, tensor: 0 };
    layers.forEach((layer, index) => {
      const name = layerName(layer);
      nodes.push({ id: name, layer, index, call: 0, inputs: [prev], shared: false });
      prev = { layer: name, node: 0, tensor: 0 };
    });
    return { model, sequential, nodes, outputs: layers.length > 0 ? [prev] : [] };
  }
  layers.forEach((layer, index) => {
    const name = layerName(layer);
    const calls = layer.inbound_nodes ?? [];
    if (calls.length === 0) nodes.push({ id: name, layer, index, call: 0, inputs: [], shared: false });
    calls.forEach((call, c) => {
      nodes.push({
        id: calls.length > 1 ? `${name}#${c}` : name,
        layer,
        index,
        call: c,
        inputs: collectRefs(call),
        shared: calls.length > 1,
      });
    });
  });
  return { model, sequential, nodes, outputs: endpointRefs(model.config.output_layers) };
}
