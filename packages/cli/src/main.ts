import { Command, CommanderError } from "commander";
import { registerConvert } from "./commands/convert.js";
import { registerExample } from "./commands/example.js";
import { registerInspect } from "./commands/inspect.js";
import { registerVerify } from "./commands/verify.js";
import { EXIT } from "./exit-codes.js";
import { reportError } from "./report-error.js";
import { version } from "./version.js";

/** Builds the `reparam` program (commander). */
export function buildProgram(): Command {
  const program = new Command("reparam")
    .description(
      "Re-parameterize train-time multi-branch vision models (RepVGG, MobileOne, ACNet, ...) into their single-branch deploy form.",
    )
    .version(version, "-v, --version")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  registerConvert(program);
  registerInspect(program);
  registerVerify(program);
  registerExample(program);
  return program;
}

/** Runs the CLI on argv; returns the exit code (never calls process.exit). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    process.exitCode = undefined;
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.reparamError;
    return reportError(e);
  }
}
