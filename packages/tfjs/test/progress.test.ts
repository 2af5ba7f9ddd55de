import { reparameterize, type Progress } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { tfjsAdapter } from "../src/index.js";
import { tfjsCases, variantSource } from "./fixtures.js";
import { memoryOutput, modelInput } from "./model-io.js";

describe("progress", () => {
  it.each(tfjsCases().flatMap((c) => (["layers", "graph"] as const).map((v) => [c.name, v, c] as const)))(
    "%s (%s): sends one 'fuse' event per fused block, counting up to the total",
    async (_name, variant, c) => {
      const events: Progress[] = [];
      const report = await reparameterize(tfjsAdapter, modelInput(variantSource(c, variant)), memoryOutput(), {}, (p) =>
        events.push(p),
      );
      const fuse = events.filter((e) => e.phase === "fuse");
      expect(report.fused.length).toBeGreaterThan(0);
      expect(fuse.map((e) => e.done)).toEqual(report.fused.map((_, i) => i + 1));
      expect(fuse.every((e) => e.total === report.fused.length)).toBe(true);
    },
  );
});
