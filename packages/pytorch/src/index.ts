/**
 * PyTorch checkpoints (torch.save, zip and legacy) read and written without
 * Python and without executing a pickle.
 *
 * @module @reparam/pytorch
 */
export { pytorchAdapter } from "./pytorch-adapter.js";
export type { PytorchModel } from "./pytorch-model.js";
export { PYTORCH_ERROR_CODES } from "./pytorch-error-code.js";
export type { PytorchErrorCode } from "./pytorch-error-code.js";
export { decodeTorchFile } from "./codec/decode-torch-file.js";
export type { TorchFile } from "./codec/torch-file.js";
export { runPickle } from "./codec/pickle/run-pickle.js";
export type { PickleHost, PickleResult } from "./codec/pickle/run-pickle.js";
export { PyDict, PyGlobal, PyInstance, PySet, PyTuple, TorchStorage, TorchTensor } from "./codec/pickle/py-value.js";
export type { PyValue } from "./codec/pickle/py-value.js";
export type { CheckpointLayout } from "./view/checkpoint-layout.js";
