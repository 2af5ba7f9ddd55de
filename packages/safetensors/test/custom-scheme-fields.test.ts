import { addTensors, batchNorm, maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { parseNamingScheme } from "../src/view/schemes/parse-naming-scheme.js";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { expectCode } from "./_make-file.js";
import { convertBytes } from "./_memory-io.js";

const BASE = { name: "mine", family: "mine", deploy: "fused", branches: [{ conv: "k.conv", bn: "k.bn" }] };

describe("a custom scheme with the newer rule fields", () => {
  it("scales, subtracts and adds branches as written, with its own eps", async () => {
    const scheme = {
      ...BASE,
      branches: [
        { conv: "k.conv", bn: "k.bn", scale: "s" },
        { identity: "n", scale: "s", negate: true },
        { bareIdentity: "x", always: true },
      ],
      eps: 1e-3,
    };
    const d = new Dict(seededRandom(21), 1e-3);
    const x = randomInput(d.rand, 6, 5, 5);
    const k = convBn(x, d.conv("k.conv", [6, 1, 3, 3]), d.bn("k.bn", 6), 1, 6);
    const n = batchNorm(x, d.bn("n", 6));
    d.other("s", [1]);
    const s = d.tensors.s!.values[0]!;
    const scaled = (t: typeof x, f: number) => ({ data: t.data.map((v) => v * f), shape: t.shape });
    const { report, bytes } = await convertBytes(await d.bytes(), { scheme: JSON.stringify(scheme) });
    expect(report.families).toEqual({ mine: 1 });
    const y = addTensors([scaled(k, s), scaled(n, -s), x]);
    const deployed = await deployForward(bytes, "fused", x, 1);
    expect(maxAbsDiff(deployed.data, y.data)).toBeLessThanOrEqual(1e-5 * maxAbs(y.data));
  });

  it("matches each variant's blocks in one state dict", async () => {
    const scheme = { ...BASE, variants: [{ deploy: "", branches: [{ conv: "other.conv", bn: "other.bn" }] }] };
    const d = new Dict(seededRandom(22));
    d.conv("a.k.conv", [4, 4, 3, 3]);
    d.bn("a.k.bn", 4);
    d.conv("b.other.conv", [4, 4, 1, 1]);
    d.bn("b.other.bn", 4);
    const { report } = await convertBytes(await d.bytes(), { scheme: JSON.stringify(scheme) });
    expect(report.fused.map((b) => b.name)).toEqual(["a", "b"]);
  });
});

describe("parseNamingScheme: bad newer fields", () => {
  const bad = (scheme: unknown) => () => parseNamingScheme(JSON.stringify(scheme));
  it("throws SAFETENSORS_BAD_SCHEME for {k}/{r} in the conv but not the same in its bn", async () =>
    expectCode(bad({ ...BASE, branches: [{ conv: "c_k{k}_{r}", bn: "b_k{k}" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a placeholder used twice", async () =>
    expectCode(bad({ ...BASE, branches: [{ conv: "c_{r}.d_{r}" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a negative eps", async () =>
    expectCode(bad({ ...BASE, eps: -1 }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a scale that is not a key path", async () =>
    expectCode(bad({ ...BASE, branches: [{ conv: "k", scale: "a..b" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a variant with a key a form does not have", async () =>
    expectCode(bad({ ...BASE, variants: [{ ...BASE, name: "x" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for markedBy that is not a list of key paths", async () =>
    expectCode(bad({ ...BASE, markedBy: [] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for variants that are not an array", async () =>
    expectCode(bad({ ...BASE, variants: {} }), "SAFETENSORS_BAD_SCHEME"));
});
