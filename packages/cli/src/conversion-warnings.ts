import { blockMatch, type ConversionReport } from "@reparam/core";

/** Something a conversion did that the user may not have meant: printed as `warning: ...`, an error under `--strict`. */
export interface ConversionWarning {
  /** The code `--strict` fails with. */
  readonly code: "CLI_EXCLUDE_NO_MATCH" | "CLI_NOTHING_TO_FUSE";
  readonly message: string;
  readonly hint: string;
}

/** Formats whose blocks are found by key names (a naming scheme), not in a graph. */
const BY_SCHEME = new Set(["safetensors", "pytorch"]);

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(", ");

/**
 * The warnings of a finished conversion: each `--exclude` pattern that
 * matches no block of the model (found, fused, refused or skipped) by name
 * or id (see core's `blockMatch`), and a model without any block (written
 * unchanged: "nothing to fuse"), the same in every format.
 */
export function conversionWarnings(report: ConversionReport, exclude: readonly string[] = []): ConversionWarning[] {
  const blocks = [...report.fused, ...report.refused.map((r) => ({ name: r.block, id: r.id })), ...report.skipped];
  const names = [...new Set(blocks.map((b) => b.name))];
  const warnings: ConversionWarning[] = [];
  for (const pattern of exclude) {
    if (blocks.some((b) => blockMatch(pattern, b))) continue;
    warnings.push({
      code: "CLI_EXCLUDE_NO_MATCH",
      message: `--exclude '${pattern}' matches no block`,
      hint:
        names.length === 0
          ? "the model has no block to exclude"
          : `block names look like ${quoted(names.slice(0, 3))} (reparam inspect lists them, and their ids); a pattern with * matches from the start of a name`,
    });
  }
  if (report.blocksFound === 0) {
    warnings.push({
      code: "CLI_NOTHING_TO_FUSE",
      message: "nothing to fuse: no re-parameterizable block found; the model was written unchanged",
      hint: BY_SCHEME.has(report.format)
        ? "already in deploy form? A train-time checkpoint of a family no built-in scheme knows needs --scheme (a custom scheme, see the README)"
        : "already in deploy form? reparam inspect lists what it finds",
    });
  }
  return warnings;
}
