import { ReparamError } from "@reparam/core";
import type { GraphDefJson } from "./graph-topology.js";
import type { KerasModelJson, LayersTopologyJson } from "./layers-topology.js";

/**
 * The Keras model inside a layers-model topology, unwrapping the Python
 * converter's `{keras_version, backend, model_config}` wrapper.
 *
 * Old Keras `Sequential` configs that are a bare list of layers are not
 * accepted.
 *
 * @param topology - a layers model's `modelTopology`.
 * @throws ReparamError `TFJS_BAD_TOPOLOGY` when there is no `{class_name, config: {layers}}`.
 */
export function kerasModel(topology: LayersTopologyJson | GraphDefJson): KerasModelJson {
  const t = topology as Record<string, unknown>;
  const inner = (typeof t.model_config === "object" && t.model_config !== null ? t.model_config : t) as Record<
    string,
    unknown
  >;
  const config = inner.config as Record<string, unknown> | null | undefined;
  if (
    typeof inner.class_name !== "string" ||
    typeof config !== "object" ||
    config === null ||
    !Array.isArray(config.layers)
  ) {
    throw new ReparamError("TFJS_BAD_TOPOLOGY", "layers-model topology is not a Keras model config", {
      where: "model.json modelTopology",
      expected: "{class_name, config: {layers: [...]}} or {model_config: {class_name, config}}",
      found: `fields ${Object.keys(inner).slice(0, 8).join(", ") || "none"}`,
    });
  }
  return inner as KerasModelJson;
}
