/**
 * Types of a layers-model `modelTopology`: a Keras model config in JSON.
 * Two spellings exist and both are accepted:
 *
 * - plain, as tfjs-layers' `model.save()` writes it:
 *   `{class_name, config, keras_version?, backend?}`;
 * - wrapped, as the Python converter writes it:
 *   `{keras_version, backend, model_config: {class_name, config}, training_config?}`.
 *
 * Only the fields this project reads are typed; all others are kept verbatim.
 */

/**
 * One layer of a functional model. `config` holds the layer's arguments in
 * snake_case (`filters`, `kernel_size`, `strides`, `padding`, `use_bias`,
 * `epsilon`, ...). Its weights are named `<name>/kernel`, `<name>/bias`,
 * `<name>/gamma`, `<name>/beta`, `<name>/moving_mean`, `<name>/moving_variance`.
 */
export interface KerasLayerJson {
  /** Layer type: `Conv2D`, `DepthwiseConv2D`, `BatchNormalization`, `Add`, `ZeroPadding2D`, ... */
  readonly class_name: string;
  /** Layer name (functional models repeat it here and in `config.name`). */
  readonly name?: string;
  /** The layer's arguments. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Where its inputs come from. Keras 2 / tfjs-layers:
   * `[[[layerName, nodeIndex, tensorIndex, kwargs], ...], ...]`, one list per
   * call of the layer; Keras 3 writes `[{args, kwargs}]`. Kept verbatim.
   */
  readonly inbound_nodes?: readonly unknown[];
  readonly [field: string]: unknown;
}

/** The `config` of a functional (`Model`/`Functional`) or `Sequential` model. */
export interface KerasModelConfigJson {
  readonly name?: string;
  readonly layers: readonly KerasLayerJson[];
  /** `[[layerName, nodeIndex, tensorIndex], ...]` (functional models). */
  readonly input_layers?: readonly unknown[];
  /** `[[layerName, nodeIndex, tensorIndex], ...]` (functional models). */
  readonly output_layers?: readonly unknown[];
  readonly [field: string]: unknown;
}

/** A Keras model: `class_name` is `Model`, `Functional` or `Sequential`. */
export interface KerasModelJson {
  readonly class_name: string;
  readonly config: KerasModelConfigJson;
  /** e.g. `tfjs-layers 4.22.0` or `2.15.0`. */
  readonly keras_version?: string;
  /** e.g. `tensor_flow.js` or `tensorflow`. */
  readonly backend?: string;
  readonly [field: string]: unknown;
}

/** The Python converter's wrapper around a {@link KerasModelJson}. */
export interface KerasModelWrapperJson {
  readonly model_config: KerasModelJson;
  readonly keras_version?: string;
  readonly backend?: string;
  /** The training configuration (loss, optimizer), if saved; irrelevant for inference. */
  readonly training_config?: unknown;
  readonly [field: string]: unknown;
}

/** A layers-model `modelTopology`, in either spelling. */
export type LayersTopologyJson = KerasModelJson | KerasModelWrapperJson;
