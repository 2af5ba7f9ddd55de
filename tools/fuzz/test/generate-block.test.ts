import { describe, expect, it } from "vitest";
import type { BlockSpec } from "../src/block-spec.js";
import { generateBlock } from "../src/generate-block.js";
import { mapSpec } from "../src/map-spec.js";
import { referenceOf } from "../src/reference.js";
import { blockInput } from "../src/block-input.js";
import { kernelSizeOf } from "../src/bound.js";

const SEEDS = Array.from({ length: 1500 }, (_, i) => i);
const blocks = SEEDS.map(generateBlock);

/** Stored values of a block that are not float32. */
function notFloat32(spec: BlockSpec): number {
  let n = 0;
  mapSpec(spec, {
    values: (a) => {
      for (const v of a) if (Math.fround(v) !== v) n++;
      return a;
    },
  });
  return n;
}

describe("generateBlock", () => {
  it("is deterministic in the seed", () => {
    expect(generateBlock(123)).toEqual(generateBlock(123));
    expect(generateBlock(123)).not.toEqual(generateBlock(124));
  });

  it("stores only float32 values", () => {
    expect(blocks.map(notFloat32).reduce((a, n) => a + n, 0)).toBe(0);
  });

  it("builds identities only where in == out and stride 1, pools over x only where in == out", () => {
    for (const b of blocks) {
      if (b.branches.some((x) => x.kind === "identity")) expect([b.inChannels, b.stride]).toEqual([b.outChannels, 1]);
      if (b.branches.some((x) => x.kind === "avgpool")) expect(b.inChannels).toBe(b.outChannels);
    }
  });

  it("gives every branch the same output size", () => {
    for (const b of blocks.slice(0, 400)) {
      const x = blockInput(b);
      // addTensors throws when branch outputs differ in size.
      expect(() => referenceOf(b, { data: Float64Array.from(x.data), shape: x.shape })).not.toThrow();
    }
  });

  it("covers every family, groups, strides, kernels, pads, eps and tiny variances", () => {
    const seen = (f: (b: BlockSpec) => unknown) => new Set(blocks.map(f));
    expect(seen((b) => b.family)).toEqual(
      new Set(["repvgg", "qarepvgg", "mobileone", "acnet", "repconv", "dbb", "conv-bn"]),
    );
    expect(seen((b) => b.stride)).toEqual(new Set([1, 2]));
    expect(seen((b) => kernelSizeOf(b.branches[0]!)[0])).toEqual(new Set([1, 3, 5, 7]));
    const groups = (b: BlockSpec) => (b.branches[0]!.kind === "conv" ? b.branches[0]!.groups : 0);
    expect(blocks.some((b) => groups(b) > 1 && groups(b) < b.inChannels)).toBe(true);
    expect(blocks.some((b) => groups(b) === b.inChannels && b.inChannels > 1)).toBe(true);
    // Asymmetric 'same' pads (stride 2, even size) and odd sizes both occur.
    expect(blocks.some((b) => b.branches.some((x) => x.kind === "conv" && x.pads[0] !== x.pads[2]))).toBe(true);
    expect(blocks.some((b) => b.inputSize[0] % 2 === 1 && b.stride === 2)).toBe(true);
    expect(seen((b) => (b.branches[0]!.kind === "conv" ? b.branches[0]!.bn?.eps : undefined))).toContain(1e-3);
    expect(
      blocks.some((b) =>
        b.branches.some((x) => x.kind === "conv" && x.bn !== undefined && x.bn.variance.some((v) => v < 1e-3)),
      ),
    ).toBe(true);
    expect(blocks.some((b) => b.branches.some((x) => x.kind === "sequential" && x.pool !== undefined))).toBe(true);
    expect(blocks.some((b) => b.branches.some((x) => x.kind === "avgpool"))).toBe(true);
  });
});
