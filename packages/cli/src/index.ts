export { main, buildProgram } from "./main.js";
export { EXIT } from "./exit-codes.js";
export { reportError } from "./report-error.js";
