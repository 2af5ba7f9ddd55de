import { type Tensor4, addTensors, batchNorm, maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { convertBytes } from "./_memory-io.js";

/** A random official-RepVGG block: its state dict and what its train-time branches compute. */
async function block(
  seed: number,
  cin: number,
  cout: number,
  groups: number,
  stride: number,
  prefix: string,
  eps: number,
): Promise<{ bytes: Uint8Array; x: Tensor4; y: Tensor4 }> {
  const d = new Dict(seededRandom(seed), eps);
  const x = randomInput(d.rand, cin, 5 + (seed % 4), 4 + (seed % 3));
  const ys = [
    convBn(
      x,
      d.conv(`${prefix}rbr_dense.conv`, [cout, cin / groups, 3, 3]),
      d.bn(`${prefix}rbr_dense.bn`, cout),
      stride,
      groups,
    ),
    convBn(
      x,
      d.conv(`${prefix}rbr_1x1.conv`, [cout, cin / groups, 1, 1]),
      d.bn(`${prefix}rbr_1x1.bn`, cout),
      stride,
      groups,
    ),
  ];
  // RepVGG has the identity BN exactly when in == out and stride 1.
  if (cin === cout && stride === 1) ys.push(batchNorm(x, d.bn(`${prefix}rbr_identity`, cin)));
  return { bytes: await d.bytes(), x, y: addTensors(ys) };
}

describe("property: a random RepVGG state dict, converted, computes what its train-time branches sum to", () => {
  it("holds for random channels, groups, stride, prefix and eps (naive conv2d)", async () => {
    const arb = fc.record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      perGroupIn: fc.integer({ min: 1, max: 3 }),
      perGroupOut: fc.integer({ min: 1, max: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      stride: fc.constantFrom(1, 2),
      prefix: fc.constantFrom("", "module.", "backbone.stage1.0.", "a.b.c."),
      eps: fc.constantFrom(1e-5, 1e-3),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        const cin = p.perGroupIn * p.groups;
        const cout = p.perGroupOut * p.groups;
        const { bytes, x, y } = await block(p.seed, cin, cout, p.groups, p.stride, p.prefix, p.eps);
        const { report, bytes: out } = await convertBytes(bytes, { eps: p.eps });
        expect(report.fused).toHaveLength(1);
        const deployed = await deployForward(out, `${p.prefix}rbr_reparam`, x, p.stride);
        expect(deployed.shape).toEqual(y.shape);
        expect(maxAbsDiff(deployed.data, y.data)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(y.data)));
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });
});
