/**
 * Strict safetensors reader/writer and re-parameterization of state dicts by
 * naming scheme.
 *
 * @module @reparam/safetensors
 */
export { SAFETENSORS_ERROR_CODES } from "./safetensors-error-code.js";
export { decodeSafetensors } from "./codec/decode-safetensors.js";
export type { SafetensorsPlan } from "./write/plan-safetensors.js";
export { encodeSafetensors, encodeSafetensorsBytes } from "./codec/encode-safetensors.js";
export type { SafetensorsEntry } from "./codec/encode-safetensors.js";

export type { NamingScheme } from "./view/schemes/naming-scheme.js";
export { BUILTIN_SCHEMES } from "./view/schemes/builtin-schemes.js";
export { safetensorsAdapter } from "./safetensors-adapter.js";
export { stateDictModel } from "./codec/state-dict-model.js";
export type { StateDictSource } from "./codec/state-dict-model.js";
export type { SafetensorsModel } from "./codec/safetensors-model.js";
