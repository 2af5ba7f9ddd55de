import { conv2d, addTensors, maxAbs, maxAbsDiff, padTensor, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { checkNamingScheme } from "../src/view/schemes/check-naming-scheme.js";
import { Dict, deployForward, randomInput } from "./_dict.js";
import { expectCode } from "./_make-file.js";
import { convertBytes } from "./_memory-io.js";

const f64 = (v: Float32Array) => Float64Array.from(v);

describe("a custom scheme with a chain rule", () => {
  it("equals main(x) + c(b(a(pad(x)))): the chain reads x padded with zeros, each conv unpadded", async () => {
    const scheme = {
      name: "mine",
      family: "mine",
      deploy: "fused",
      branches: [{ conv: "m" }, { chain: [{ conv: "a" }, { conv: "b" }, { conv: "c" }], required: true }],
    };
    const d = new Dict(seededRandom(23));
    const x = randomInput(d.rand, 4, 6, 7);
    const m = d.conv("m", [5, 4, 3, 3], true);
    const a = d.conv("a", [8, 4, 1, 1], true);
    const b = d.conv("b", [8, 2, 3, 3], true); // 4 groups
    const c = d.conv("c", [5, 8, 1, 1], true);
    const { report, bytes } = await convertBytes(await d.bytes(), { scheme: JSON.stringify(scheme) });
    expect(report.families).toEqual({ mine: 1 });
    const conv = (t: typeof x, k: typeof m, pads: [number, number, number, number], groups = 1) =>
      conv2d(t, { weight: { data: f64(k.weight), shape: k.shape }, bias: f64(k.bias!), pads, groups });
    const chain = conv(conv(conv(padTensor(x, [1, 1, 1, 1]), a, [0, 0, 0, 0]), b, [0, 0, 0, 0], 4), c, [0, 0, 0, 0]);
    const y = addTensors([conv(x, m, [1, 1, 1, 1]), chain]);
    const deployed = await deployForward(bytes, "fused", x, 1);
    // float32 weights: the fused conv rounds once, the naive one never.
    expect(maxAbsDiff(deployed.data, y.data)).toBeLessThanOrEqual(1e-5 * maxAbs(y.data));
  });

  it("is refused by the scheme check with fewer than two convs, a kernelOf other than hw/ohw, or a negative scaleRow", async () => {
    const base = { name: "mine", family: "mine", deploy: "fused" };
    for (const chain of [[{ conv: "a" }], [{ conv: "a", kernelOf: "oihw" }, { conv: "b" }]])
      await expectCode(
        () => checkNamingScheme({ ...base, branches: [{ conv: "m" }, { chain }] }),
        "SAFETENSORS_BAD_SCHEME",
      );
    await expectCode(
      () => checkNamingScheme({ ...base, branches: [{ conv: "m", scale: "v", scaleRow: -1 }] }),
      "SAFETENSORS_BAD_SCHEME",
    );
  });
});
