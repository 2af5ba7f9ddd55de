import { describe, expect, it } from "vitest";
import { decodeModel, tensorValues, type ModelProto } from "../src/index.js";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convert } from "./_convert.js";
import { expectFixtureOutput } from "./_fixture-output.js";

const variants = conformanceCases().flatMap((c) =>
  (["train", "train_unfolded"] as const).map((v) => [c.name, v, c] as const),
);
const count = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).length;
const histogram = (m: ModelProto) => m.graph!.node.map((n) => n.opType).sort();

describe("conformance fixtures through the ONNX adapter", () => {
  it.each(variants)(
    "%s.%s: fuses to one conv per block, nothing left of the branches, output within 1e-5",
    async (name, variant, c) => {
      const out = await convert(fixtureBytes(c.onnx[variant]));
      const deploy = decodeModel(fixtureBytes(c.onnx.deploy));
      expect(out.report.fused).toHaveLength(c.blocks);
      expect(out.report.refused).toEqual([]);
      expect(count(out.model, "Conv")).toBe(count(deploy, "Conv"));
      expect(count(out.model, "BatchNormalization")).toBe(0);
      expect(count(out.model, "Add")).toBe(count(deploy, "Add"));
      expect(histogram(out.model)).toEqual(histogram(deploy));
      await expectFixtureOutput(out, c, `${name}.${variant}`);
    },
  );

  it.each(conformanceCases().map((c) => [c.name, c] as const))(
    "%s.train_unfolded: gives fused weights equal to the reference deploy weights, by name, bit for bit",
    async (_, c) => {
      // Folding from the exact BN statistics and rounding once gives the correctly rounded values.
      const out = await convert(fixtureBytes(c.onnx.train_unfolded));
      const ours = new Map(out.model.graph!.initializer.map((t) => [t.name, t]));
      const deploy = decodeModel(fixtureBytes(c.onnx.deploy)).graph!;
      expect([...ours.keys()].sort()).toEqual(deploy.initializer.map((t) => t.name).sort());
      for (const t of deploy.initializer)
        expect(tensorValues(ours.get(t.name)!).values, t.name).toEqual(tensorValues(t).values);
      expect(out.model.graph!.node.map((n) => n.name)).toEqual(deploy.node.map((n) => n.name));
    },
  );

  it.each(conformanceCases().map((c) => [c.name, c] as const))(
    "%s.deploy: finds no block left and writes it back byte for byte",
    async (_, c) => {
      const bytes = fixtureBytes(c.onnx.deploy);
      const out = await convert(bytes);
      expect(out.report.blocksFound).toBe(0);
      expect(out.bytes).toEqual(bytes);
    },
  );
});
