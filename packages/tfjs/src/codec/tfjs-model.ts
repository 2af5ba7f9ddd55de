import type { TfjsModelFormat, TfjsModelJson } from "./model-json.js";
import type { TfjsWeight } from "./tfjs-weight.js";

/**
 * A TF.js model as the adapter holds it: `model.json` parsed, its kind, and
 * every weight of its manifest with its exact stored bytes (quantization
 * kept). Produced by {@link decodeTfjsModel}; never mutated by the adapter.
 */
export interface TfjsModel {
  /** `model.json`, every field kept in order. */
  readonly json: TfjsModelJson;
  /** `layers-model` (Keras config) or `graph-model` (GraphDef). */
  readonly format: TfjsModelFormat;
  /** The weights, in manifest order (group by group). */
  readonly weights: readonly TfjsWeight[];
}
