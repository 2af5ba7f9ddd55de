import { isReparamError } from "@reparam/core";
import { EXIT } from "./exit-codes.js";

/**
 * Prints an error the way the CLI promises: a ReparamError as
 * `error CODE: message` plus its hint (exit 1); anything else is a bug:
 * its stack (exit 2).
 */
export function reportError(e: unknown, stderr: { write(s: string): unknown } = process.stderr): number {
  if (isReparamError(e)) {
    stderr.write(`error ${e.code}: ${e.message}\n`);
    if (e.hint !== undefined) stderr.write(`hint: ${e.hint}\n`);
    return EXIT.reparamError;
  }
  const stack = e instanceof Error ? (e.stack ?? e.message) : String(e);
  stderr.write(`reparam: unexpected error (a bug; please report it with this output)\n${stack}\n`);
  return EXIT.bug;
}
