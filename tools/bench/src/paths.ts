import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = fileURLToPath(new URL("../../../", import.meta.url));
/** Where benchmark models and results go (git-ignored). */
export const outDir = `${root}bench-out/`;
/** The built CLI. */
export const cliBin = `${root}packages/cli/dist/bin.js`;
/** The model generator. */
export const generator = `${root}tools/models/src/generate.ts`;
