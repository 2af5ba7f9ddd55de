import type { InspectedBlock } from "@reparam/core";

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 120;
const BOX_H = 26;
const GAP = 10;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function box(svg: SVGSVGElement, x: number, y: number, label: string, fill: string): void {
  svg.append(el("rect", { x, y, width: BOX_W, height: BOX_H, rx: 4, fill, stroke: "#555" }));
  svg.append(el("text", { x: x + BOX_W / 2, y: y + BOX_H / 2 + 4, "text-anchor": "middle" }, label));
}

function line(svg: SVGSVGElement, x1: number, y1: number, x2: number, y2: number): void {
  svg.append(el("line", { x1, y1, x2, y2, stroke: "#555" }));
}

/**
 * A small before/after drawing of one block: its parallel branches summed
 * (then the post-sum BN, if any) on the left, the one conv it fuses into on
 * the right. Labels are the inspect table's.
 */
export function blockDiagram(block: InspectedBlock): SVGSVGElement {
  const n = block.branches.length;
  const height = Math.max(n * (BOX_H + GAP) + GAP, 3 * BOX_H);
  const width = 2 * BOX_W + 250;
  const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  svg.append(el("title", {}, `${block.name}: ${block.branches.join(" + ")} -> ${block.detail}`));
  const mid = height / 2;
  const x0 = 30;
  const sumX = x0 + BOX_W + 30;
  svg.append(el("text", { x: 0, y: mid + 4 }, "x"));
  block.branches.forEach((b, i) => {
    const y = GAP + i * (BOX_H + GAP);
    line(svg, 12, mid, x0, y + BOX_H / 2);
    box(svg, x0, y, b, "#e8f0fe");
    line(svg, x0 + BOX_W, y + BOX_H / 2, sumX - 10, mid);
  });
  svg.append(el("circle", { cx: sumX, cy: mid, r: 10, fill: "#fff", stroke: "#555" }));
  svg.append(el("text", { x: sumX, y: mid + 5, "text-anchor": "middle" }, "+"));
  let tail = sumX + 10;
  if (block.postBn) {
    line(svg, tail, mid, tail + 10, mid);
    svg.append(el("text", { x: tail + 12, y: mid + 4 }, "bn"));
    tail += 30;
  }
  const arrowX = tail + 20;
  svg.append(el("text", { x: arrowX, y: mid + 5, "font-size": 18 }, "=>"));
  const fx = arrowX + 40;
  svg.append(el("text", { x: fx - 12, y: mid + 4 }, "x"));
  box(svg, fx, mid - BOX_H / 2, block.detail.split(",")[0] ?? block.detail, "#e6f4ea");
  return svg;
}
