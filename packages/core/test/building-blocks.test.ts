import fc from "fast-check";
import { maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseBlock, planBlock, type Block } from "../src/index.js";
import { branchKernel } from "../src/branch/branch-kinds.js";
import { expandGroups } from "../src/algebra/expand-groups.js";
import { foldPostBatchNorm } from "../src/algebra/fold-post-batch-norm.js";
import { placeKernel } from "../src/algebra/place-kernel.js";
import { sumBranches } from "../src/algebra/sum-branches.js";
import { bn, convBranch, identityBranch } from "./block-fixtures.js";

/** The fusion written with the public building blocks, one step each, as DESIGN.md describes it. */
function composed(block: Block) {
  const planned = planBlock(block);
  if (!planned.ok) throw new Error(planned.refusal.message);
  const { kernelShape, groups, placements } = planned.plan;
  const [, , kh, kw] = kernelShape;
  const parts = block.branches.map((b, i) => {
    const own = branchKernel(b, block.inChannels, groups, block.name);
    const bg = b.kind === "conv" || b.kind === "sequential" ? b.groups : groups;
    const kernel = placeKernel(
      expandGroups(own.kernel, bg, groups),
      kh,
      kw,
      placements[i]!.offsetY,
      placements[i]!.offsetX,
    );
    return { kernel, bias: own.bias, offsetY: 0, offsetX: 0 };
  });
  const sum = sumBranches(parts, kernelShape);
  return block.postBn === undefined ? sum : foldPostBatchNorm(sum, block.postBn);
}

describe("the fusion engine", () => {
  it("agrees with the public building blocks on RepVGG, grouped, ACNet, avg-pool and QARepVGG blocks (200 runs, 1e-12 relative)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom([1, 1], [2, 1], [4, 2]),
        (s, kind, [g1, g2]) => {
          const r = seededRandom(s);
          const c = 8;
          const branches: Block["branches"][number][] = [
            convBranch(r, c, c, 3, 3, { groups: g1! }),
            convBranch(r, c, c, 1, 1, { groups: g2! }),
          ];
          if (kind === 0) branches.push(identityBranch(r, c));
          if (kind === 1)
            branches.push(
              convBranch(r, c, c, 3, 1, { pads: [1, 0, 1, 0] }),
              convBranch(r, c, c, 1, 3, { pads: [0, 1, 0, 1] }),
            );
          if (kind === 2)
            branches.push({ kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: bn(r, c) });
          const block: Block = { name: "b", inChannels: c, branches, ...(kind === 3 ? { postBn: bn(r, c) } : {}) };
          const want = composed(block);
          const got = fuseBlock(block);
          if (!got.ok) throw new Error(got.refusal.message);
          expect(maxAbsDiff(got.conv.kernel.data, want.kernel.data)).toBeLessThanOrEqual(
            1e-12 * maxAbs(want.kernel.data),
          );
          expect(maxAbsDiff(got.conv.bias, want.bias)).toBeLessThanOrEqual(1e-12 * Math.max(1, maxAbs(want.bias)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
