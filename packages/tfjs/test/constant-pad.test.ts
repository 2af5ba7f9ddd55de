/// <reference types="node" />
// A PadV2 with a non-zero constant between two convs of a graph model: a frame the chain collapses
// through when it holds the first conv's zero response in every channel; left as it is otherwise.
// Original and converted run on TF.js (cpu) within 1e-5 of max |original|.
import { describe, expect, it } from "vitest";
import type { GraphDefJson } from "../src/index.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";

const TOLERANCE = 1e-5;
const C = 4;
const B = Math.fround(0.3);

/** x -> 1x1 conv -> AddV2(B in every channel) -> PadV2(1, `value`) -> 3x3 VALID conv -> Relu. */
function chain(value: number) {
  const g = new GraphBuilder(23);
  const x = g.placeholder("input", [6, 7, C]);
  const a = g.conv("c/a", x, [1, 1, C, C], { padding: "VALID" });
  const shifted = g.op("c/a/add", "AddV2", [a, g.constant("c/a/bias", [C], new Float32Array(C).fill(B))]);
  const paddings = g.constant("c/pad/paddings", [4, 2], Int32Array.from([0, 0, 1, 1, 1, 1, 0, 0]));
  const fill = g.constant("c/pad/value", [], Float32Array.from([value]));
  const p = g.op("c/pad", "PadV2", [shifted, paddings, fill], { Tpaddings: { type: "DT_INT32" } });
  const b = g.conv("c/b", p, [3, 3, C, C], { padding: "VALID" });
  return g.build(x, g.op("c/Relu", "Relu", [b]));
}

describe("tfjs adapter: a PadV2 with a constant between two convs of a graph model", () => {
  it("collapses conv -> + b -> PadV2(b) -> conv into one conv (conv-chain); the PadV2 goes", async () => {
    const shape = [1, 6, 7, C];
    const res = await convertAndRun(chain(B), randomInput(shape, 5), shape);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused.map((f) => [f.family, f.kernel])).toEqual([["conv-chain", "3x3"]]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(countConvs(res.json)).toBe(1);
    expect(opsOf(res.json)).not.toContain("PadV2");
    const names = ((res.json.modelTopology as GraphDefJson).node ?? []).map((n) => n.name);
    expect(names).not.toContain("c/pad/value");
  });

  it("keeps a PadV2 whose constant is not the conv's zero response, without a refusal", async () => {
    const shape = [1, 6, 7, C];
    const res = await convertAndRun(chain(0.7), randomInput(shape, 6), shape);
    expect(res.report.fused.map((f) => f.family)).not.toContain("conv-chain");
    expect(res.report.refused).toEqual([]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(opsOf(res.json)).toContain("PadV2");
    expect(countConvs(res.json)).toBe(2);
  });
});
