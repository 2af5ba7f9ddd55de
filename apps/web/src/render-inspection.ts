import type { Inspection } from "@reparam/core";

const COLUMNS = ["block", "family", "branches", "stride", "groups", "decision", "fuses into / why not"] as const;

function cell(tag: "td" | "th", text: string, className?: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text; // model names are untrusted: text, never HTML
  if (className !== undefined) c.className = className;
  return c;
}

/** Fills `table` with one row per block, as `reparam inspect` lists them, then the blocks refused while matching. */
export function renderInspectTable(table: HTMLTableElement, inspection: Inspection): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const c of COLUMNS) head.append(cell("th", c));
  const body = table.createTBody();
  for (const b of inspection.blocks) {
    const row = body.insertRow();
    const branches = b.branches.join(" + ") + (b.postBn ? " -> bn" : "");
    const groups = b.groups === null ? "-" : String(b.groups);
    const name = cell("td", b.name);
    name.title = `id ${b.id}`; // names repeat (p2o, PartitionedCall); the id is unique and what --exclude takes
    row.append(name);
    for (const text of [b.family, branches, b.stride.join("x"), groups]) row.append(cell("td", text));
    row.append(cell("td", b.status, b.status), cell("td", b.detail));
  }
  for (const r of inspection.matchRefused) {
    const row = body.insertRow();
    row.append(cell("td", r.block), cell("td", "-"), cell("td", "-"), cell("td", "-"), cell("td", "-"));
    row.append(cell("td", "refuse", "refuse"), cell("td", `${r.reason}: ${r.message}`));
  }
}

/** One line: format, block counts by decision and family, parameters before -> after. */
export function inspectionSummary(inspection: Inspection): string {
  const count = (s: string) => inspection.blocks.filter((b) => b.status === s).length;
  const families = new Map<string, number>();
  for (const b of inspection.blocks) if (b.status === "fuse") families.set(b.family, (families.get(b.family) ?? 0) + 1);
  const fam = [...families].map(([f, n]) => `${f} ${n}`).join(", ");
  const details = Object.entries(inspection.details)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const { before, afterEstimate } = inspection.parameters;
  return [
    `${inspection.format}${details ? ` (${details})` : ""}:`,
    `${inspection.blocks.length + inspection.matchRefused.length} blocks,`,
    `${count("fuse")} to fuse${fam ? ` (${fam})` : ""}, ${count("refuse") + inspection.matchRefused.length} refused, ${count("skip")} skipped;`,
    `parameters ${before.toLocaleString("en")} -> ${afterEstimate.toLocaleString("en")}`,
  ].join(" ");
}
