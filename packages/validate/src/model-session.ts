import type { BackendName } from "./backend-name.js";
import type { LoadedModel } from "./loaded-model.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";

/** A model loaded on one backend, ready to run. */
export interface ModelSession {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Runs one sample; outputs in the order of {@link ModelSession.outputs}, values on the host. */
  run(feeds: readonly NumericTensor[]): Promise<NumericTensor[]>;
  dispose(): Promise<void>;
}

/** A runtime on one backend: opens models of one format. */
export interface Runtime {
  readonly backend: BackendName;
  /** `onnxruntime-node`, `onnxruntime-web`, `tfjs`. */
  readonly runtime: string;
  open(model: LoadedModel): Promise<ModelSession>;
}
