// The Keras layer configs the TF.js layers spellings write: tools/models' (as
// tfjs-layers' `model.save()` writes them), under the names the writers use.
import {
  kerasActivation,
  kerasAveragePooling,
  kerasBatchNorm,
  kerasConv2d,
  kerasDepthwiseConv2d,
  kerasInputLayer,
  kerasMerge,
  kerasZeroPadding,
  type KerasConvOptions,
} from "@reparam-tools/models";
import type { KerasLayerJson } from "@reparam/tfjs";

export type { KerasConvOptions };
export {
  kerasActivation as activation,
  kerasAveragePooling as averagePooling,
  kerasBatchNorm as batchNorm,
  kerasConv2d as conv2d,
  kerasInputLayer as inputLayer,
  kerasZeroPadding as zeroPadding,
};

/** `DepthwiseConv2D` with depth multiplier `multiplier`. */
export function depthwiseConv2d(name: string, input: string, multiplier: number, o: KerasConvOptions): KerasLayerJson {
  return kerasDepthwiseConv2d(name, input, { ...o, multiplier });
}

/** `Add` of the inputs. */
export function add(name: string, inputs: readonly string[]): KerasLayerJson {
  return kerasMerge("Add", name, inputs);
}
