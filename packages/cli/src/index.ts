/**
 * The reparam command: convert train-time multi-branch models to their
 * single-branch deploy form.
 *
 * @module @reparam/cli
 */
export { main, buildProgram } from "./main.js";
export { EXIT } from "./exit-codes.js";
export { reportError } from "./report-error.js";
