export { ReparamError, isReparamError } from "./reparam-error.js";
export type { ReparamErrorDetails } from "./reparam-error.js";
export { bytesSource, collectSink } from "./byte-source.js";
export type { ByteSource, ByteSink } from "./byte-source.js";
