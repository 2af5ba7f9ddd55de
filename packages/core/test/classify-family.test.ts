import { describe, expect, it } from "vitest";
import type { Block, Branch, ConvBranch } from "../src/block/block.js";
import type { BatchNorm } from "../src/block/batch-norm.js";
import type { KernelShape } from "../src/block/kernel.js";
import { classifyFamily, familyPatterns } from "../src/graph/classify-family.js";

const bn: BatchNorm = { gamma: [1], beta: [0], mean: [0], variance: [1], eps: 1e-5 };
const geometry = { stride: [1, 1], dilation: [1, 1], groups: 1 } as const;
const conv = (kh: number, kw: number): Branch<KernelShape> => ({
  kind: "conv",
  kernel: { shape: [4, 4, kh, kw] },
  pads: [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2],
  ...geometry,
  bn,
});
/** A conv branch with no BatchNorm (a conv with bias). */
const bare = (k: number): Branch<KernelShape> => {
  const { bn: _, ...rest } = conv(k, k) as ConvBranch<KernelShape>;
  return rest;
};
const block = (branches: Branch<KernelShape>[], postBn?: BatchNorm): Block<KernelShape> => ({
  name: "b",
  inChannels: 4,
  branches,
  ...(postBn ? { postBn } : {}),
});

describe("family patterns", () => {
  const avgpool: Branch<KernelShape> = { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn };
  const layouts: Record<string, Block<KernelShape>> = {
    "conv-bn": block([conv(3, 3)]),
    dbb: block([conv(3, 3), avgpool]),
    qarepvgg: block([conv(3, 3), conv(1, 1), { kind: "identity" }], bn),
    acnet: block([conv(3, 3), conv(3, 1), conv(1, 3)]),
    mobileone: block([conv(3, 3), conv(3, 3), conv(1, 1), { kind: "identity", bn }]),
    repvgg: block([conv(3, 3), conv(1, 1), { kind: "identity", bn }]),
    "bn-conv": { ...block([conv(1, 1)]), preBn: bn },
    "dilated-reparam": block([
      conv(7, 7),
      { ...(conv(3, 3) as ConvBranch<KernelShape>), dilation: [3, 3], pads: [3, 3, 3, 3] },
    ]),
    "large-kernel": block([conv(7, 7), conv(3, 3)]),
    repmixer: block([{ kind: "identity" }, { kind: "identity", bn }, conv(3, 3), { kind: "identity", bn }]),
    repcpe: block([{ kind: "identity" }, bare(7)]),
  };

  it("names every family by its layout, one pattern each", () => {
    const named = ["conv-affine", "conv-chain"]; // by the graph matcher, never from a layout
    const byLayout = familyPatterns.map((p) => p.family).filter((f) => !named.includes(f));
    expect(byLayout.sort()).toEqual(Object.keys(layouts).sort());
    for (const [family, layout] of Object.entries(layouts)) expect(classifyFamily(layout)).toBe(family);
  });

  it("lists conv-affine and conv-chain, which only the graph matcher names: no layout matches them", () => {
    const affine = familyPatterns.find((p) => p.family === "conv-affine");
    const chain = familyPatterns.find((p) => p.family === "conv-chain");
    expect(affine?.description).toMatch(/bias Add/);
    expect(chain?.description).toMatch(/chain of convs/);
    for (const layout of Object.values(layouts))
      expect([affine?.matches(layout), chain?.matches(layout)]).toEqual([false, false]);
    expect(classifyFamily(block([bare(3)]))).toBe("conv-bn");
  });

  it("takes the first pattern that fits: BN after the sum of asymmetric branches is qarepvgg's", () => {
    const both = block([conv(3, 3), conv(3, 1)], bn);
    expect(familyPatterns.filter((p) => p.matches(both)).map((p) => p.family)).toEqual([
      "qarepvgg",
      "acnet",
      "mobileone",
      "repvgg",
    ]);
    expect(classifyFamily(both)).toBe("qarepvgg");
  });
});
