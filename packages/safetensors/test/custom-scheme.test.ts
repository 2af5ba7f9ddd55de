/// <reference types="node" />
import { readFileSync } from "node:fs";
import { addTensors, batchNorm, maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { BUILTIN_SCHEMES } from "../src/index.js";
import { checkNamingScheme } from "../src/view/schemes/check-naming-scheme.js";
import { parseNamingScheme } from "../src/view/schemes/parse-naming-scheme.js";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { expectCode } from "./_make-file.js";
import { convertBytes } from "./_memory-io.js";
import { renameKeys, tensorsOf } from "./_rename.js";

const MYNET = {
  name: "mynet",
  family: "repvgg",
  deploy: "fused",
  branches: [{ conv: "b3.conv", bn: "b3.norm" }, { conv: "b1.{i}.conv", bn: "b1.{i}.norm" }, { identity: "skip" }],
};

describe("a user-supplied naming scheme", () => {
  it("converts a family no built-in scheme knows, given as JSON text in options.scheme", async () => {
    const d = new Dict(seededRandom(11));
    const p = "net.stage2.1.";
    const x = randomInput(d.rand, 6, 7, 7);
    const ys = [convBn(x, d.conv(`${p}b3.conv`, [6, 6, 3, 3]), d.bn(`${p}b3.norm`, 6), 1, 1)];
    for (const i of [0, 1])
      ys.push(convBn(x, d.conv(`${p}b1.${i}.conv`, [6, 6, 1, 1]), d.bn(`${p}b1.${i}.norm`, 6), 1, 1));
    ys.push(batchNorm(x, d.bn(`${p}skip`, 6)));
    const bytes = await d.bytes();
    expect((await convertBytes(bytes)).report.blocksFound).toBe(0); // no built-in scheme knows it
    const { report, bytes: out } = await convertBytes(bytes, { scheme: JSON.stringify(MYNET) });
    expect(report.fused.map((f) => [f.name, f.branches])).toEqual([
      ["net.stage2.1", ["3x3+bn", "1x1+bn", "1x1+bn", "identity+bn"]],
    ]);
    const y = addTensors(ys);
    const deployed = await deployForward(out, `${p}fused`, x, 1);
    expect(maxAbsDiff(deployed.data, y.data)).toBeLessThanOrEqual(1e-5 * maxAbs(y.data));
  });

  it("converts the official RepVGG names with another deploy name, given as an object in options.namingScheme", async () => {
    const scheme = { ...BUILTIN_SCHEMES[0]!, name: "renamed", deploy: "merged" };
    const { bytes } = await convertBytes(fixtureBytes("repvgg_tiny.train.safetensors"), { namingScheme: scheme });
    const expected = await tensorsOf(
      await renameKeys(fixtureBytes("repvgg_tiny.deploy.safetensors"), (n) => n.replace("rbr_reparam", "merged")),
    );
    expect(await tensorsOf(bytes)).toEqual(expected);
  });

  it("accepts the README's example scheme", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const json = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(json).toBeDefined();
    expect(parseNamingScheme(json!).name).toBe("my-block");
  });

  it("passes every built-in scheme through the checks a user's scheme gets", () => {
    for (const s of BUILTIN_SCHEMES) expect(checkNamingScheme(JSON.parse(JSON.stringify(s)) as unknown)).toEqual(s);
  });
});

describe("parseNamingScheme: bad schemes", () => {
  const bad = (scheme: unknown) => () =>
    parseNamingScheme(typeof scheme === "string" ? scheme : JSON.stringify(scheme));
  it("throws SAFETENSORS_BAD_SCHEME for text that is not JSON", async () =>
    expectCode(bad("{name: mynet}"), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_DUPLICATE_KEY for a key repeated", async () =>
    expectCode(bad('{"name": "a", "name": "b"}'), "SAFETENSORS_DUPLICATE_KEY"));
  it("throws SAFETENSORS_BAD_SCHEME for an unknown key (a typo)", async () =>
    expectCode(bad({ ...MYNET, deploi: "x" }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a first rule that is not a conv", async () =>
    expectCode(bad({ ...MYNET, branches: [{ identity: "skip" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a rule of two kinds", async () =>
    expectCode(bad({ ...MYNET, branches: [{ conv: "a", identity: "b" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for a bad module path", async () =>
    expectCode(bad({ ...MYNET, deploy: "fused..conv" }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for {i} in the conv but not its bn", async () =>
    expectCode(bad({ ...MYNET, branches: [{ conv: "b.{i}.conv", bn: "b.norm" }] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME for no branches", async () =>
    expectCode(bad({ ...MYNET, branches: [] }), "SAFETENSORS_BAD_SCHEME"));
  it("throws SAFETENSORS_BAD_SCHEME through the adapter too", async () => {
    await expectCode(
      () => convertBytes(fixtureBytes("repvgg_tiny.train.safetensors"), { scheme: '{"name": "x"}' }),
      "SAFETENSORS_BAD_SCHEME",
    );
  });
});

describe("an average-pool branch without conv (a custom scheme)", () => {
  it("fuses like the pool, whole or a few channels at a time", async () => {
    const { avgPool } = await import("@reparam/test-utils");
    const scheme = {
      name: "pool",
      family: "dbb",
      deploy: "fused",
      branches: [{ conv: "k.conv", bn: "k.bn" }, { avgpool: { bn: "avg.bn" } }, { identity: "id" }],
    };
    const d = new Dict(seededRandom(12));
    const x = randomInput(d.rand, 5, 6, 6);
    const ys = [convBn(x, d.conv("k.conv", [5, 5, 5, 5]), d.bn("k.bn", 5), 1, 1)];
    ys.push(batchNorm(avgPool(x, [5, 5], [1, 1], [2, 2, 2, 2]), d.bn("avg.bn", 5)));
    ys.push(batchNorm(x, d.bn("id", 5)));
    const bytes = await d.bytes();
    const whole = await convertBytes(bytes, { scheme: JSON.stringify(scheme) });
    const y = addTensors(ys);
    const deployed = await deployForward(whole.bytes, "fused", x, 1);
    expect(maxAbsDiff(deployed.data, y.data)).toBeLessThanOrEqual(1e-5 * maxAbs(y.data));
    const rows = await convertBytes(bytes, { scheme: JSON.stringify(scheme), fuseChunkBytes: 1 });
    expect(rows.bytes).toEqual(whole.bytes);
  });
});
