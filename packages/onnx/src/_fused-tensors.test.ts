import type { FusedConv } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { fusedTensors } from "./_fused-tensors.js";
import { tensorValues } from "./tensor-values.js";

// 1 + 2^-8 + 2^-30: to bfloat16 in one rounding it is above the halfway point (1 + 2^-7);
// through float32 first it becomes the tie 1 + 2^-8 and rounds to even (1).
const x = 1 + 2 ** -8 + 2 ** -30;
const conv: FusedConv = {
  kernel: { data: Float64Array.from([x, -x, 1 / 3, 65520]), shape: [2, 2, 1, 1] },
  bias: Float64Array.from([0.1, -(2 ** -25)]),
  stride: [1, 1],
  pads: [0, 0, 0, 0],
  dilation: [1, 1],
  groups: 1,
};

describe("fusedTensors", () => {
  it("rounds each float64 value once into the weight dtype", () => {
    const read = (dt: number) => fusedTensors(conv, dt, "w", "b").map((t) => Array.from(tensorValues(t).values as Float64Array));
    expect(read(DT.DOUBLE)).toEqual([Array.from(conv.kernel.data), Array.from(conv.bias)]);
    expect(read(DT.FLOAT)).toEqual([Array.from(conv.kernel.data, Math.fround), Array.from(conv.bias, Math.fround)]);
    const [w16] = read(DT.BFLOAT16);
    expect(w16!.slice(0, 2)).toEqual([1 + 2 ** -7, -(1 + 2 ** -7)]);
    const [h, hb] = read(DT.FLOAT16);
    expect(h![3]).toBe(Infinity); // 65520 is halfway to 65536: ties to even overflow
    expect(Object.is(hb![1], -0)).toBe(true); // half the smallest subnormal (2^-24): a tie, to even, signed zero
  });

  it("names and shapes the two initializers", () => {
    const [w, b] = fusedTensors(conv, DT.FLOAT, "blk.rbr_reparam.weight", "blk.rbr_reparam.bias");
    expect([w.name, w.dims, b.name, b.dims]).toEqual(["blk.rbr_reparam.weight", [2n, 2n, 1n, 1n], "blk.rbr_reparam.bias", [2n]]);
  });
});
