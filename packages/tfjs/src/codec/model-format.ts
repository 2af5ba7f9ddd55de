import { ReparamError } from "@reparam/core";
import type { TfjsModelFormat, TfjsModelJson } from "./model-json.js";

/**
 * The kind of a TF.js model: its `format` field when present, else inferred
 * as TF.js does from the topology (a `node` list is a GraphDef; `class_name`
 * or `model_config` is a Keras config).
 *
 * @throws ReparamError `TFJS_UNKNOWN_FORMAT` when neither tells.
 */
export function modelFormat(model: TfjsModelJson): TfjsModelFormat {
  if (model.format !== undefined) return model.format;
  const t = model.modelTopology as Record<string, unknown>;
  if ("node" in t) return "graph-model";
  if ("class_name" in t || "model_config" in t) return "layers-model";
  throw new ReparamError("TFJS_UNKNOWN_FORMAT", "cannot tell whether model.json holds a layers or a graph model", {
    where: "model.json modelTopology",
    expected: "format layers-model or graph-model, or a topology with node (GraphDef) or class_name (Keras)",
    found: `fields ${Object.keys(t).slice(0, 8).join(", ") || "none"}`,
  });
}
