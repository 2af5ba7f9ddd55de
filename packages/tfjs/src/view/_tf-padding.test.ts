import { describe, expect, it } from "vitest";
import { samePads, tfPadMode, tfPadding } from "./_tf-padding.js";

describe("TF padding", () => {
  it("reads SAME at stride 2 as pads 0/1 on even sizes, 1/1 on odd ones; unknown without the size", () => {
    expect(samePads([3, 3], [2, 2], [1, 1], [8, 8])).toEqual([0, 0, 1, 1]);
    expect(samePads([3, 3], [2, 2], [1, 1], [7, 7])).toEqual([1, 1, 1, 1]);
    expect(samePads([3, 3], [2, 2], [1, 1], undefined)).toBeUndefined();
  });

  it("reads SAME at stride 1 without the size: explicit pads for the matcher", () => {
    expect(tfPadding("same", [3, 5], [1, 1], [1, 2])).toEqual({ kind: "explicit", pads: [1, 4, 1, 4] });
    expect(tfPadding("same", [4, 4], [1, 1], [1, 1])).toEqual({ kind: "explicit", pads: [1, 1, 2, 2] });
    expect(tfPadding("same", [3, 3], [2, 2], [1, 1])).toEqual({ kind: "same-upper" });
    expect(tfPadding("valid", [3, 3], [2, 2], [1, 1])).toEqual({ kind: "valid" });
  });

  it("writes SAME only when it is exact at this size, VALID for no pads, else explicit", () => {
    expect(tfPadMode([0, 0, 1, 1], [3, 3], [2, 2], [1, 1], [8, 8])).toEqual({ kind: "same" });
    expect(tfPadMode([1, 1, 1, 1], [3, 3], [2, 2], [1, 1], [8, 8])).toEqual({ kind: "explicit", pads: [1, 1, 1, 1] });
    expect(tfPadMode([1, 1, 1, 1], [3, 3], [2, 2], [1, 1], undefined)).toEqual({
      kind: "explicit",
      pads: [1, 1, 1, 1],
    });
    expect(tfPadMode([1, 1, 1, 1], [3, 3], [1, 1], [1, 1], undefined)).toEqual({ kind: "same" });
    expect(tfPadMode([0, 0, 0, 0], [1, 1], [2, 2], [1, 1], [8, 8])).toEqual({ kind: "same" });
    expect(tfPadMode([0, 0, 0, 0], [3, 3], [1, 1], [1, 1], [8, 8])).toEqual({ kind: "valid" });
  });
});
