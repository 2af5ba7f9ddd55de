import { formats } from "./known-formats.js";

/** The values `--format` takes: `auto` (detect), then every known format's name. */
export const formatChoices: readonly string[] = ["auto", ...formats.map((f) => f.format)];

/** `--help` for a model argument: the file formats' inputs, then the folder formats'. */
export function inputHelp(): string {
  const files = formats.filter((f) => !f.folder).map((f) => f.input);
  const folders = formats.filter((f) => f.folder).map((f) => f.input);
  return [`model file (${files.join(", ")})`, ...folders].join(" or ");
}

/** The names of the formats that take a format-only flag (`--eps`), comma-separated. */
export function formatsTaking(flag: string): string {
  return formats
    .filter((f) => f.flags.includes(flag))
    .map((f) => f.format)
    .join(", ");
}

/** The `Examples:` block after a command's `--help`, every format's examples in list order. */
export function examplesHelp(command: "convert" | "inspect" | "verify"): string {
  const lines = formats.flatMap((f) => f.examples[command]).map((args) => `  reparam ${command} ${args}`);
  return `\nExamples:\n${lines.join("\n")}`;
}
