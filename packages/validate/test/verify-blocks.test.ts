// verifyBlocks on blocks built here from core's Block model: every family's
// branches, run in onnxruntime as a tiny graph against the fused conv.
import { describe, expect, it } from "vitest";
import {
  decide,
  type Block,
  type Branch,
  type Candidate,
  type ConvBranch,
  type Decision,
  type Pads,
  type Pair,
} from "@reparam/core";
import { randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { formatBlockCheckReport, verifyBlocks } from "../src/index.js";

const rand = seededRandom(2024);

function conv(
  o: number,
  c: number,
  k: Pair,
  opts: { stride?: Pair; pads?: Pads; groups?: number; bn?: boolean; bias?: boolean } = {},
): ConvBranch {
  const g = opts.groups ?? 1;
  const [kh, kw] = k;
  return {
    kind: "conv",
    kernel: { data: randomFloat32(rand, o * (c / g) * kh * kw), shape: [o, c / g, kh, kw] },
    stride: opts.stride ?? [1, 1],
    pads: opts.pads ?? [(kh - 1) >> 1, (kw - 1) >> 1, (kh - 1) >> 1, (kw - 1) >> 1],
    dilation: [1, 1],
    groups: g,
    ...(opts.bias === true ? { bias: randomFloat32(rand, o) } : {}),
    ...(opts.bn === false ? {} : { bn: randomBatchNorm(rand, o) }),
  };
}
const idBn = (c: number): Branch => ({ kind: "identity", bn: randomBatchNorm(rand, c) });

const blocks: Record<string, Block> = {
  repvgg: { name: "repvgg", inChannels: 4, branches: [conv(4, 4, [3, 3]), conv(4, 4, [1, 1]), idBn(4)] },
  "repvgg-stride2-groups": {
    name: "repvgg-stride2-groups",
    inChannels: 4,
    branches: [conv(8, 4, [3, 3], { stride: [2, 2], groups: 2 }), conv(8, 4, [1, 1], { stride: [2, 2], groups: 2 })],
  },
  acnet: { name: "acnet", inChannels: 3, branches: [conv(6, 3, [3, 3]), conv(6, 3, [1, 3]), conv(6, 3, [3, 1])] },
  qarepvgg: {
    name: "qarepvgg",
    inChannels: 4,
    branches: [conv(4, 4, [3, 3]), conv(4, 4, [1, 1], { bn: false }), { kind: "identity" }],
    postBn: randomBatchNorm(rand, 4),
  },
  "mobileone-depthwise": {
    name: "mobileone-depthwise",
    inChannels: 4,
    branches: [
      conv(4, 4, [3, 3], { groups: 4 }),
      conv(4, 4, [3, 3], { groups: 4 }),
      conv(4, 4, [1, 1], { groups: 4 }),
      idBn(4),
    ],
  },
  dbb: {
    name: "dbb",
    inChannels: 4,
    branches: [
      conv(4, 4, [3, 3]),
      conv(4, 4, [1, 1]),
      {
        kind: "sequential",
        first: { kernel: { data: randomFloat32(rand, 4 * 4), shape: [4, 4, 1, 1] }, bn: randomBatchNorm(rand, 4) },
        second: { kernel: { data: randomFloat32(rand, 4 * 4 * 9), shape: [4, 4, 3, 3] }, bn: randomBatchNorm(rand, 4) },
        stride: [1, 1],
        pads: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
        padding: "first-output",
      },
      { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: randomBatchNorm(rand, 4) },
    ],
  },
  "conv-bn-with-bias": { name: "conv-bn-with-bias", inChannels: 3, branches: [conv(5, 3, [3, 3], { bias: true })] },
  // TF 'same' at stride 2 on an even input: pads 0/1 for the 3x3, 0/0 for the 1x1 (not the centre).
  "tf-same-stride2": {
    name: "tf-same-stride2",
    inChannels: 3,
    inputSize: [8, 8],
    branches: [
      conv(4, 3, [3, 3], { stride: [2, 2], pads: [0, 0, 1, 1] }),
      conv(4, 3, [1, 1], { stride: [2, 2], pads: [0, 0, 0, 0] }),
    ],
  },
};

function candidate(block: Block, family = block.name): Candidate {
  return { name: block.name, family, layout: block, load: async () => block };
}

describe("verifyBlocks", () => {
  it("passes every fused block of every family", async () => {
    const decisions = decide(
      Object.values(blocks).map((b) => candidate(b)),
      {},
    );
    expect(decisions.every((d) => d.kind === "fuse")).toBe(true);
    const report = await verifyBlocks(decisions, { backend: "cpu", count: 2 });
    expect(report.passed, formatBlockCheckReport(report)).toBe(true);
    expect(report.checked).toBe(decisions.length);
    for (const b of report.blocks) {
      expect(b).toMatchObject({ status: "passed", backend: "cpu" });
      expect(b.outputs).toHaveLength(2);
      expect(b.outputs[0]!.absError!.max).toBeLessThan(1e-5);
    }
    expect(report.blocks.find((b) => b.name === "tf-same-stride2")!.inputShape).toEqual([1, 3, 8, 8]);
    expect(report.blocks.find((b) => b.name === "repvgg")!.inputShape).toEqual([1, 4, 8, 8]);
    expect(report.blocks.find((b) => b.name === "repvgg-stride2-groups")!.outputs[0]!.shape).toEqual([1, 8, 4, 4]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("catches a fused kernel with one element off by 1e-2, and lists refused blocks", async () => {
    const [good] = decide([candidate(blocks.repvgg!)], {}) as [Decision & { kind: "fuse" }];
    const broken: Decision = {
      ...good,
      fused: async () => {
        const conv = await good.fused();
        const data = conv.kernel.data.slice();
        data[4] = data[4]! + 1e-2; // centre tap of output channel 0, input channel 0
        return { ...conv, kernel: { ...conv.kernel, data } };
      },
    };
    const mismatched: Block = {
      name: "stride-mismatch",
      inChannels: 4,
      branches: [conv(4, 4, [3, 3], { stride: [2, 2] }), conv(4, 4, [1, 1])],
    };
    const decisions = [broken, ...decide([candidate(mismatched)], {})];
    const report = await verifyBlocks(decisions, { size: [6, 6] });
    expect(report.passed).toBe(false);
    const [b, refused] = report.blocks;
    expect(b).toMatchObject({ name: "repvgg", status: "failed", inputShape: [1, 4, 6, 6] });
    expect(b!.outputs[0]!.worst!.at[1]).toBe(0);
    expect(refused).toMatchObject({ name: "stride-mismatch", status: "not-fused", outputs: [] });
    expect(refused!.why).toMatch(/^refused \(STRIDE_MISMATCH\)/);
    const text = formatBlockCheckReport(report);
    expect(text).toMatch(/^FAILED: 1 fused blocks checked, 1 failed/);
    expect(text).toMatch(/not-fused stride-mismatch/);
  });

  it("skips the WebGPU EP once with auto without a GPU, and says why", async () => {
    const decisions = decide([candidate(blocks.repvgg!), candidate(blocks.acnet!)], {});
    const report = await verifyBlocks(decisions);
    expect(report.passed).toBe(true);
    if (report.blocks[0]!.backend === "webgpu") return; // a machine with a GPU
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ backend: "webgpu", runtime: "onnxruntime-node" });
    expect(report.skipped[0]!.reason).toMatch(/no GPU adapter/);
  });

  it("reports a block whose load fails as an error, not a crash", async () => {
    const [d] = decide([candidate(blocks.repvgg!)], {}) as [Decision & { kind: "fuse" }];
    const failing: Decision = {
      ...d,
      candidate: { ...d.candidate, load: async () => Promise.reject(new Error("shard missing")) },
      fused: async () => Promise.reject(new Error("shard missing")),
    };
    const report = await verifyBlocks([failing], { backend: "cpu" });
    expect(report.passed).toBe(false);
    expect(report.blocks[0]).toMatchObject({ status: "error", why: "shard missing" });
  });
});
