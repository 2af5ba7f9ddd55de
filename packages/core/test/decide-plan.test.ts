import { describe, expect, it } from "vitest";
import { decide, planBlock, refusal, type Block, type Candidate, type KernelShape } from "../src/index.js";

const layout: Block<KernelShape> = {
  name: "b",
  inChannels: 2,
  branches: [
    { kind: "conv", kernel: { shape: [2, 2, 3, 3] }, stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
    { kind: "identity" },
  ],
};
const candidate = (extra: Partial<Candidate> = {}): Candidate => ({
  name: "b",
  family: "repvgg",
  layout,
  load: () => Promise.reject(new Error("not loaded")),
  ...extra,
});

describe("decide and a candidate's own plan", () => {
  it("plans a candidate that carries no plan (state dicts)", () => {
    const [d] = decide([candidate()], {});
    const planned = planBlock(layout);
    expect(d?.kind).toBe("fuse");
    expect(d?.kind === "fuse" && planned.ok && d.plan).toEqual(planned.ok && planned.plan);
  });

  it("reuses the plan a candidate carries instead of planning again", () => {
    const planned = planBlock(layout);
    if (!planned.ok) throw new Error("layout should plan");
    const [fused] = decide([candidate({ plan: planned })], {});
    expect(fused?.kind === "fuse" && fused.plan).toBe(planned.plan); // the same object: not planned again
    const carried = refusal("b", "CHANNEL_MISMATCH", "carried");
    const [refused] = decide([candidate({ plan: { ok: false, refusal: carried } })], {});
    expect(refused?.kind === "refuse" && refused.refusal).toBe(carried);
  });
});
