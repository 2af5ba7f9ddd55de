import type { GraphDefJson, SignatureJson } from "./graph-topology.js";
import type { LayersTopologyJson } from "./layers-topology.js";
import type { WeightsManifest } from "./weights-manifest.js";

/** The two kinds of TF.js model, as named by `model.json`'s `format` field. */
export type TfjsModelFormat = "layers-model" | "graph-model";

/**
 * The contents of a TF.js `model.json` (TF.js `ModelJSON`). Fields appear in
 * the order they were read and {@link encodeModelJson} writes them back in
 * that order; fields not listed here are kept verbatim.
 */
export interface TfjsModelJson {
  /**
   * The model: a Keras config ({@link LayersTopologyJson}) for a layers
   * model, a `GraphDef` ({@link GraphDefJson}) for a graph model. Required.
   */
  readonly modelTopology: LayersTopologyJson | GraphDefJson;
  /**
   * Where the weights are: groups of shard files, the weights each holds in
   * order. Absent in a topology-only file, which then has no weights.
   */
  readonly weightsManifest?: WeightsManifest;
  /**
   * `layers-model` or `graph-model`. Files written before TF.js 1.0 lack it;
   * {@link modelFormat} then infers the kind from the topology.
   */
  readonly format?: TfjsModelFormat;
  /** What made the model, e.g. `TensorFlow.js tfjs-layers v4.22.0` or `keras v2.15.0`. */
  readonly generatedBy?: string;
  /** The converter, e.g. `TensorFlow.js Converter v4.22.0`; `null` when saved by TF.js itself. */
  readonly convertedBy?: string | null;
  /** Graph models: the serving signature (inputs, outputs and their shapes). */
  readonly signature?: SignatureJson;
  /** Free-form metadata attached by whoever saved the model; kept verbatim. */
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
  /** Graph models: a `GraphDef` run once before the model (hash tables, ...); its weights are in the manifest too. */
  readonly modelInitializer?: GraphDefJson;
  /** Signature of {@link TfjsModelJson.modelInitializer}. */
  readonly initializerSignature?: SignatureJson;
  /** Layers models: loss, metrics and optimizer config, if saved. */
  readonly trainingConfig?: unknown;
  /** Any other field, kept verbatim and in place. */
  readonly [field: string]: unknown;
}
