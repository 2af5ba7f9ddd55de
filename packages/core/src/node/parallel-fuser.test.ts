import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "@reparam/test-utils";
import { bn, convBranch, identityBranch } from "../../test/block-fixtures.js";
import type { Block, Branch } from "../block/block.js";
import { planBlock } from "../block/plan-block.js";
import { blockRows } from "../engine/block-rows.js";
import { type FusedDtype, fuseTo } from "../engine/fuse-to.js";
import { parallelFuser } from "./parallel-fuser.js";

// minWork 0, minIntensity 0: every block of two rows or more is split between this thread and the worker;
// chunkBytes 1: one output channel per chunk, this thread and the worker taking turns.
const parallel = parallelFuser({ minWork: 0, minIntensity: 0 });
const chunked = parallelFuser({ minWork: 0, minIntensity: 0, chunkBytes: 1 });
// Only blocks with many multiply-adds per kernel value go to the worker: DBB's composition does about
// (M + 2) / 2 per value (7 at these 12 channels, about 100 at DBB-A0's 192), RepVGG's sums 1-3.
const byIntensity = parallelFuser({ minWork: 0, minIntensity: 4 });
afterAll(async () => {
  await parallel.close();
  await chunked.close();
  await byIntensity.close();
});

const planOf = (block: Block) => {
  const p = planBlock(block);
  if (!p.ok) throw new Error(p.refusal.message);
  return p.plan;
};
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Blocks of each engine: RepVGG, QARepVGG (post-BN), DBB's 1x1 -> kxk with an avg pool, a lone grouped 5x5 of odd width, a pre-BN 1x1. */
function blocks(seed: number): Block[] {
  const r = seededRandom(seed);
  const c = 12;
  const seq: Branch = {
    kind: "sequential",
    first: convBranch(r, c, c, 1, 1, { bias: true }),
    second: convBranch(r, c, c, 3, 3),
    stride: [1, 1],
    pads: [1, 1, 1, 1],
    dilation: [1, 1],
    groups: 1,
    padding: "first-output",
  };
  return [
    {
      name: "repvgg",
      inChannels: c,
      branches: [convBranch(r, c, c, 3, 3), convBranch(r, c, c, 1, 1), identityBranch(r, c)],
    },
    {
      name: "qarepvgg",
      inChannels: c,
      branches: [
        convBranch(r, c, c, 3, 3, { bn: false }),
        convBranch(r, c, c, 1, 1, { bn: false }),
        identityBranch(r, c, true),
      ],
      postBn: bn(r, c),
    },
    {
      name: "dbb",
      inChannels: c,
      branches: [
        convBranch(r, c, c, 3, 3),
        seq,
        { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: bn(r, c) },
      ],
    },
    { name: "grouped", inChannels: c, branches: [convBranch(r, 15, c, 5, 5, { groups: 3, bias: true })] },
    { name: "pre-bn", inChannels: c, branches: [convBranch(r, 9, c, 1, 1, { bias: true })], preBn: bn(r, c) },
  ];
}

describe("parallelFuser", () => {
  const cases = (["f32", "f64", "f16"] as const).flatMap((dtype) =>
    blocks(7).map((b) => [b.name, dtype, b] as [string, FusedDtype, Block]),
  );

  it.each(cases)("%s (%s): gives the bytes fuseTo gives, half of the rows fused on the worker", (_, dtype, block) => {
    const plan = planOf(block);
    const want = fuseTo(block, plan, { dtype });
    const before = parallel.workerRows;
    const got = parallel.fuse(block, plan, { dtype });
    expect(parallel.workerRows - before).toBe(Math.floor(plan.kernelShape[0] / 2));
    expect(bytes(got.kernel).equals(bytes(want.kernel))).toBe(true);
    expect(bytes(got.bias).equals(bytes(want.bias))).toBe(true);
  });

  it.each(cases)(
    "%s (%s): gives the same bytes in chunks of one row, every other one on the worker",
    (_, dtype, block) => {
      const plan = planOf(block);
      const want = fuseTo(block, plan, { dtype });
      const before = chunked.workerRows;
      const got = chunked.fuse(block, plan, { dtype });
      expect(chunked.workerRows - before).toBe(Math.floor(plan.kernelShape[0] / 2));
      expect(bytes(got.kernel).equals(bytes(want.kernel))).toBe(true);
      expect(bytes(got.bias).equals(bytes(want.bias))).toBe(true);
    },
  );

  it("keeps memory-bound blocks (RepVGG's sums) on this thread and splits DBB's composition, same bytes", () => {
    const split = blocks(17).map((block) => {
      const plan = planOf(block);
      const before = byIntensity.workerRows;
      const got = byIntensity.fuse(block, plan, { dtype: "f32" });
      expect(bytes(got.kernel).equals(bytes(fuseTo(block, plan, { dtype: "f32" }).kernel))).toBe(true);
      return [block.name, byIntensity.workerRows > before];
    });
    expect(Object.fromEntries(split)).toEqual({
      repvgg: false,
      qarepvgg: false,
      dbb: true,
      grouped: false,
      "pre-bn": false,
    });
  });

  it("fuses a window of rows into given storage as fuseTo does", () => {
    const block = blocks(11)[2]!;
    const plan = planOf(block);
    const part = blockRows(block, 0, 3, 11); // a caller that read rows 3..10 only
    const kernel = new Float32Array(8 * plan.kernelShape[1] * 9);
    const bias = new Float32Array(8);
    const want = fuseTo(part, plan, { dtype: "f32", window: { from: 3, to: 11 } });
    const got = parallel.fuse(part, plan, { dtype: "f32", window: { from: 3, to: 11 }, kernel, bias });
    expect(got.kernel).toBe(kernel);
    expect(bytes(kernel).equals(bytes(want.kernel))).toBe(true);
    expect(bytes(bias).equals(bytes(want.bias))).toBe(true);
  });

  it("throws fuseTo's CORE_NON_FINITE when a row the worker fused overflows", () => {
    const block = blocks(13)[0]!;
    const conv = block.branches[0] as Extract<Branch, { kind: "conv" }>;
    const data = Float32Array.from(conv.kernel.data);
    data[data.length - 1] = 3e38; // the last output channel: the worker's half
    const huge: Block = {
      ...block,
      branches: [{ ...conv, kernel: { ...conv.kernel, data } }, ...block.branches.slice(1)],
    };
    const plan = planOf(huge);
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const want = error(() => fuseTo(huge, plan, { dtype: "f16" })) as { code: string; message: string };
    expect(want.code).toBe("CORE_NON_FINITE");
    for (const f of [parallel, chunked]) {
      const got = error(() => f.fuse(huge, plan, { dtype: "f16" })) as { code: string; message: string };
      expect({ code: got.code, message: got.message }).toEqual({ code: want.code, message: want.message });
    }
  });
});
