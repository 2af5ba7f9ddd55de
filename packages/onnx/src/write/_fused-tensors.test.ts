import { fuseTo, planBlock, type Block, type FusePlan } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { fusedTensors, type FusionSource } from "./_fused-tensors.js";
import { tensorValues } from "../codec/tensor-values.js";

// 1 + 2^-8 + 2^-30: to bfloat16 in one rounding it is above the halfway point (1 + 2^-7);
// through float32 first it becomes the tie 1 + 2^-8 and rounds to even (1).
const x = 1 + 2 ** -8 + 2 ** -30;
const kernel = Float64Array.from([x, -x, 1 / 3, 65519]);
const bias = Float64Array.from([0.1, -(2 ** -25)]);
// One 1x1 conv with a bias and no BN: the fused conv is the conv itself.
const block: Block = {
  name: "blk",
  inChannels: 2,
  branches: [
    {
      kind: "conv",
      kernel: { data: kernel, shape: [2, 2, 1, 1] },
      bias,
      stride: [1, 1],
      pads: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
    },
  ],
};
const planned = planBlock(block);
const plan = (planned.ok ? planned.plan : undefined) as FusePlan;
const source: FusionSource = { plan, load: () => Promise.resolve(block), fuse: (b, t) => fuseTo(b, plan, t) };

async function read(dt: number): Promise<number[][]> {
  const { tensors, pending } = fusedTensors(source, dt, "w", "b");
  const out: number[][] = [];
  for (const [i, t] of tensors.entries()) {
    const bytes = await pending[i]!.bytes();
    expect(bytes.byteLength).toBe(pending[i]!.byteLength);
    out.push(Array.from(tensorValues({ ...t, rawData: bytes as Uint8Array<ArrayBuffer> }).values as Float64Array));
  }
  return out;
}

describe("fusedTensors", () => {
  it("rounds each float64 value once into the weight dtype", async () => {
    expect(await read(DT.DOUBLE)).toEqual([Array.from(kernel), Array.from(bias)]);
    expect(await read(DT.FLOAT)).toEqual([Array.from(kernel, Math.fround), Array.from(bias, Math.fround)]);
    const [w16] = await read(DT.BFLOAT16);
    expect(w16!.slice(0, 2)).toEqual([1 + 2 ** -7, -(1 + 2 ** -7)]);
    const [h, hb] = await read(DT.FLOAT16);
    expect(h![3]).toBe(65504); // just below the halfway point to 65536 (65520): rounds down to float16's largest
    expect(Object.is(hb![1], -0)).toBe(true); // half the smallest subnormal (2^-24): a tie, to even, signed zero
  });

  it("refuses to write a fused value that overflows float16 (65520 is the tie to even towards infinity)", async () => {
    const big: Block = {
      ...block,
      branches: [
        {
          ...block.branches[0]!,
          kernel: { data: Float64Array.from([1, 2, 3, 65520]), shape: [2, 2, 1, 1] },
        } as Block["branches"][number],
      ],
    };
    const { pending } = fusedTensors({ ...source, load: () => Promise.resolve(big) }, DT.FLOAT16, "w", "b");
    await expect(pending[0].bytes()).rejects.toMatchObject({ code: "CORE_NON_FINITE" });
  });

  it("names and shapes the two initializers, and fuses once for both", async () => {
    let loads = 0;
    const counted: FusionSource = { ...source, load: () => (loads++, source.load()) };
    const {
      tensors: [w, b],
      pending,
    } = fusedTensors(counted, DT.FLOAT, "blk.rbr_reparam.weight", "blk.rbr_reparam.bias");
    expect([w.name, w.dims, b.name, b.dims]).toEqual([
      "blk.rbr_reparam.weight",
      [2n, 2n, 1n, 1n],
      "blk.rbr_reparam.bias",
      [2n],
    ]);
    expect(pending.map((p) => p.byteLength)).toEqual([16, 8]);
    await pending[0].bytes();
    await pending[1].bytes();
    expect(loads).toBe(1);
  });
});
