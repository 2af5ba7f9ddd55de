import { describe, expect, it } from "vitest";
import { requantizedLine } from "./print-summary.js";

describe("requantizedLine", () => {
  it("names the count, the dtypes and the worst relative error of the re-quantized tensors", () => {
    const t = (name: string, relativeError: number, keptRange = false) => ({
      name,
      dtype: "uint8",
      maxError: relativeError * 2,
      range: 2,
      relativeError,
      keptRange,
    });
    expect(requantizedLine([t("a/kernel", 0.0015), t("b/kernel", 0.00196), t("c/bias", 0, true)])).toBe(
      "re-quantized: 3 fused tensors (uint8, fresh range; 1 kept the input's), max error 0.196% of a tensor's range (0.00392 in b/kernel)",
    );
  });

  it("gives nothing when no tensor was re-quantized", () => {
    expect(requantizedLine([])).toBeUndefined();
  });
});
