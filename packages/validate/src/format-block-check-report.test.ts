import { describe, expect, it } from "vitest";
import type { BlockCheck } from "./block-check.js";
import { formatBlockCheckReport } from "./format-block-check-report.js";

const check = (name: string, id: string): BlockCheck => ({
  name,
  id,
  family: "conv-affine",
  status: "not-fused",
  why: "skipped: excluded",
  outputs: [],
});

describe("formatBlockCheckReport", () => {
  it("prints the id beside a name that several blocks share, and a unique name alone", () => {
    const text = formatBlockCheckReport({
      requested: "auto",
      skipped: [],
      tolerances: { atol: 0, rtol: 0 },
      bounded: true,
      blocks: [check("p2o", "t0"), check("p2o", "y"), check("stem", "stem/Add_output_0")],
      checked: 0,
      passed: true,
    });
    expect(text).toContain("not-fused p2o [id t0] (conv-affine)");
    expect(text).toContain("not-fused p2o [id y] (conv-affine)");
    expect(text).toContain("not-fused stem (conv-affine)");
  });
});
