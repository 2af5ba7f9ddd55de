import type { FormatAdapter } from "@reparam/core";

/**
 * The formats the CLI knows, in detection order. A new format is one package
 * implementing core's FormatAdapter plus one line here.
 */
export const adapters: ReadonlyArray<FormatAdapter<unknown>> = [];
