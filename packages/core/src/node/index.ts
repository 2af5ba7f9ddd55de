/**
 * The Node-only entry of `@reparam/core` (`@reparam/core/node`): models read
 * from and written to files, streaming, for any format adapter. The main
 * entry (`@reparam/core`) stays free of Node APIs and runs in browsers.
 *
 * ```ts
 * import { reparameterize } from "@reparam/core";
 * import { fileOutput, openFileInput } from "@reparam/core/node";
 * import { onnxAdapter } from "@reparam/onnx";
 *
 * const input = await openFileInput("model.onnx");
 * try {
 *   await reparameterize(onnxAdapter, input, fileOutput("model.deploy.onnx"));
 * } finally {
 *   await input.close();
 * }
 * ```
 *
 * @module @reparam/core/node
 */
export { fileSource } from "./file-source.js";
export { openFileInput } from "./open-file-input.js";
export type { FileInput } from "./open-file-input.js";
export { fileOutput } from "./file-output.js";
export { fileSink } from "./file-sink.js";
export type { FileSink } from "./file-sink.js";
export { insideFolder } from "./inside-folder.js";
export { parallelFuser } from "./parallel-fuser.js";
export type { ParallelFuser, ParallelFuserOptions } from "./parallel-fuser.js";
