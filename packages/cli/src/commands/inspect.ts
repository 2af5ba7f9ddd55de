import { familyPatterns } from "@reparam/core";
import { schemeFamilies } from "@reparam/safetensors/detect";
import { Option, type Command } from "commander";
import { formatTable } from "../format-table.js";
import { inspectModel, type InspectResult } from "../inspect-model.js";
import { examplesHelp, formatChoices } from "../format-help.js";
import { inspectJson } from "../report-json.js";

function formatInspect(r: InspectResult): string {
  const head = `${r.input} (${r.format}${Object.entries(r.details)
    .map(([k, v]) => `, ${k} ${v}`)
    .join("")})`;
  // Ids are listed when some differ from the names (graphs: output tensors), so a repeated name can be told apart.
  const ids = r.blocks.some((b) => b.id !== b.name);
  const table = formatTable(
    ["block", ...(ids ? ["id"] : []), "family", "branches", "stride", "groups", "result"],
    r.blocks.map((b) => [
      b.name,
      ...(ids ? [b.id] : []),
      b.family,
      b.branches.join(" + "),
      b.stride.join("x"),
      b.groups === null ? "-" : String(b.groups),
      b.status === "fuse" ? `-> ${b.detail}` : `${b.status}: ${b.detail}`,
    ]),
  );
  // By identity, not name: a block refused while matching may share its name with a listed one.
  const matchRefused = r.refused.filter((x) => !r.blocks.some((b) => b.refusal === x));
  const extra = matchRefused.map(
    (x) =>
      `refused ${x.block}${x.id === undefined || x.id === x.block ? "" : ` [id ${x.id}]`}: ${x.reason}: ${x.message}`,
  );
  const fused = r.blocks.filter((b) => b.status === "fuse").length;
  return [
    head,
    table,
    ...extra,
    `${r.blocks.length + matchRefused.length} blocks, ${fused} would fuse; parameters ${r.parameters.before} -> ~${r.parameters.afterEstimate}`,
  ].join("\n");
}

/** The families the graph matcher names, then the state-dict naming schemes and their families, for `--help`. */
function familiesHelp(): string {
  const width = Math.max(...familyPatterns.map((p) => p.family.length));
  const schemeWidth = Math.max(...schemeFamilies.map((s) => s.scheme.length));
  return [
    "\nFamilies (a block is named after the first that fits):",
    ...familyPatterns.map((p) => `  ${p.family.padEnd(width)}  ${p.description}`),
    "\nState-dict naming schemes (safetensors, .pth; detected, or --scheme) and the family each reports:",
    ...schemeFamilies.map((s) => `  ${s.scheme.padEnd(schemeWidth)}  ${s.family}`),
  ].join("\n");
}

/** `reparam inspect`: what convert would do, without writing. */
export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "list the re-parameterizable blocks of a model, what each would fuse into, and what would be refused and why",
    )
    .argument("<input>", "model file or TF.js folder")
    .addOption(new Option("--format <format>", "input format").choices(formatChoices).default("auto"))
    .option("--json", "print one JSON object on stdout")
    .addHelpText("after", `${familiesHelp()}\n${examplesHelp("inspect")}`)
    .action(async (input: string, f: { format: string; json?: boolean }) => {
      const r = await inspectModel(input, f.format);
      process.stdout.write(f.json === true ? `${JSON.stringify(inspectJson(r))}\n` : `${formatInspect(r)}\n`);
    });
}
