import { describe, expect, it } from "vitest";
import { jsonDetails } from "./report-json.js";

describe("jsonDetails", () => {
  it("types counts and versions as numbers and yes/no facts as booleans", () => {
    expect(jsonDetails({ opset: "13", ir_version: "7", external_data: "no", tensors: "224" })).toEqual({
      opset: 13,
      ir_version: 7,
      external_data: false,
      tensors: 224,
    });
  });

  it("reads the counts out of file and weight facts, and keeps other text as it is", () => {
    expect(
      jsonDetails({ files: "3 shards", weights: "12 (2 quantized)", producer: "pytorch 2.1", dtype: "float32" }),
    ).toEqual({
      files: 3,
      weights: 12,
      quantizedWeights: 2,
      producer: "pytorch 2.1",
      dtype: "float32",
    });
    expect(jsonDetails({ files: "1 file", version: "007", big: "12345678901234567" })).toEqual({
      files: 1,
      version: "007",
      big: "12345678901234567",
    });
  });
});
