import { describe, expect, it } from "vitest";
import { decodeModel, type ModelProto } from "../src/index.js";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convert } from "./_convert.js";
import { expectFixtureOutput } from "./_fixture-output.js";

// The newer families of #18 (../shared/conformance/families): FastViT RepMixer and RepCPE,
// large + small kernel, UniRepLKNet's dilated branches, RepViT RepVggDw, Linear + BN,
// PP-YOLOE alpha, YOLOv9 RepConvN. Target (fixtures README): the deploy reference's op
// counts, no BatchNormalization left, output within 1e-5 * max|output|.
const cases = familyCases("families");
const variants = cases.flatMap((c) => (["train", "train_unfolded"] as const).map((v) => [c.name, v, c] as const));
const histogram = (m: ModelProto) => m.graph!.node.map((n) => n.opType).sort();

describe("family fixtures through the ONNX adapter", () => {
  it("lists the eight families of the fixture set", () => {
    expect(cases.map((c) => c.name)).toHaveLength(8);
  });

  it.each(variants)(
    "%s.%s: fuses every block into the deploy graph's ops, output within 1e-5",
    async (name, variant, c) => {
      const out = await convert(fixtureBytes(c.onnx[variant]));
      const deploy = decodeModel(fixtureBytes(c.onnx.deploy));
      expect(out.report.refused).toEqual([]);
      expect(out.report.fused.length).toBeGreaterThanOrEqual(c.blocks);
      expect(histogram(out.model)).toEqual(histogram(deploy));
      await expectFixtureOutput(out, c, `${name}.${variant}`);
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s.deploy: finds no block left and writes it back byte for byte",
    async (_, c) => {
      const bytes = fixtureBytes(c.onnx.deploy);
      const out = await convert(bytes);
      expect(out.report.blocksFound).toBe(0);
      expect(out.bytes).toEqual(bytes);
    },
  );
});
