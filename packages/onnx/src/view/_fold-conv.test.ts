import { conv2d, maxAbs, maxAbsDiff, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { type FoldCase, folded, ortValue } from "../../test/_fold-graph.js";
import { intAttr, intsAttr, stringAttr } from "../codec/attribute-value.js";

const rand = seededRandom(7);

describe("constant folding of Conv", () => {
  it.each([
    { groups: 1, stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], bias: true },
    { groups: 2, stride: [2, 1], pads: [0, 1, 2, 0], dilation: [1, 2], bias: false },
  ])("matches the naive float64 conv (groups $groups, stride $stride, pads $pads)", async (p) => {
    const [n, c, h, w, o, k] = [2, 4, 5, 6, 6, 3];
    const x = randomFloat32(rand, n * c * h * w);
    const wt = randomFloat32(rand, o * (c / p.groups) * k * k);
    const b = randomFloat32(rand, o);
    const attrs = {
      group: intAttr(p.groups),
      strides: intsAttr(p.stride),
      pads: intsAttr(p.pads),
      dilations: intsAttr(p.dilation),
      kernel_shape: intsAttr([k, k]),
    };
    const fc: FoldCase = {
      nodes: [{ op: "Conv", inputs: p.bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"], attrs }],
      initializers: [
        { name: "x", dims: [n, c, h, w], data: x },
        { name: "w", dims: [o, c / p.groups, k, k], data: wt },
        ...(p.bias ? [{ name: "b", dims: [o], data: b }] : []),
      ],
    };
    const want = conv2d(
      { data: Float64Array.from(x), shape: [n, c, h, w] },
      {
        weight: { data: wt, shape: [o, c / p.groups, k, k] },
        ...(p.bias ? { bias: b } : {}),
        stride: p.stride as [number, number],
        pads: p.pads as [number, number, number, number],
        dilation: p.dilation as [number, number],
        groups: p.groups,
      },
    );
    const y = folded(fc)!;
    expect(y.dims).toEqual([...want.shape]);
    // Same products, summed in another order: float64 agrees to far below float32's rounding.
    expect(maxAbsDiff(await y.readFloats(), want.data)).toBeLessThanOrEqual(1e-13 * maxAbs(want.data));
    const o32 = await ortValue(fc);
    expect(o32.dims).toEqual([...want.shape]);
    expect(maxAbsDiff(o32.values as number[], want.data)).toBeLessThanOrEqual(1e-6 * maxAbs(want.data));
  });

  it("leaves SAME padding and a kernel_shape that disagrees with the weight in the graph", () => {
    const fc = (attrs: Record<string, ReturnType<typeof intAttr>>): FoldCase => ({
      nodes: [{ op: "Conv", inputs: ["x", "w"], outputs: ["y"], attrs }],
      initializers: [
        { name: "x", dims: [1, 1, 3, 3], data: randomFloat32(rand, 9) },
        { name: "w", dims: [1, 1, 2, 2], data: randomFloat32(rand, 4) },
      ],
    });
    expect(folded(fc({}))?.dims).toEqual([1, 1, 2, 2]);
    expect(folded(fc({ auto_pad: stringAttr("SAME_UPPER") }))).toBeUndefined();
    expect(folded(fc({ kernel_shape: intsAttr([3, 3]) }))).toBeUndefined();
  });
});
