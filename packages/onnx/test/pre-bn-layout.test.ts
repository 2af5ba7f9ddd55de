import { describe, expect, it } from "vitest";
import type { ModelProto } from "../src/index.js";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convert } from "./_convert.js";
import { expectFixtureOutput } from "./_fixture-output.js";

// Next-ViT's merge_pre_bn through the ONNX adapter (#23): norm1 reaches q / k / v through
// Reshape / Transpose and, for k / v, an AvgPool1d and e_mhsa.norm; one group of three blocks.
const c = familyCases("families2").find((f) => f.name === "nextvit_prebn")!;
const ops = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).map((n) => n.name);

describe("pre-BN sinking through layout ops in ONNX (nextvit_prebn)", () => {
  it("writes q, k and v back as MatMul + Add under their own names, reading the BatchNorm's input", async () => {
    const out = await convert(fixtureBytes(c.onnx.train));
    expect(ops(out.model, "BatchNormalization")).toEqual([]);
    const names = ["q", "k", "v"].flatMap((l) => [`/stages.0.1/e_mhsa/${l}/MatMul`, `/stages.0.1/e_mhsa/${l}/Add`]);
    const nodes = out.model.graph!.node.filter((n) => names.includes(n.name));
    expect(nodes.map((n) => n.opType).sort()).toEqual(["Add", "Add", "Add", "MatMul", "MatMul", "MatMul"]);
    const reshape = out.model.graph!.node.find((n) => n.name === "/stages.0.1/Reshape")!;
    expect(reshape.input[0]).toBe("/stages.0.1/patch_embed/conv/Conv_output_0");
    const inits = new Map(out.model.graph!.initializer.map((t) => [t.name, t.dims.map(Number)]));
    expect(inits.get("stages.0.1.e_mhsa.q.weight")).toEqual([96, 96]);
    expect(inits.get("stages.0.1.e_mhsa.k.bias")).toEqual([96]);
  });

  it("keeps both BatchNorms and all three Linears when one of the group is excluded, output unchanged", async () => {
    const out = await convert(fixtureBytes(c.onnx.train), { exclude: ["/stages.0.1/e_mhsa/k/Add_output_0"] });
    expect(ops(out.model, "BatchNormalization")).toEqual([
      "/stages.0.1/norm1/BatchNormalization",
      "/stages.0.1/e_mhsa/norm/BatchNormalization",
    ]);
    const skipped = out.report.skipped.map((s) => s.name).sort();
    expect(skipped).toEqual(["/stages.0.1/e_mhsa/k", "/stages.0.1/e_mhsa/q", "/stages.0.1/e_mhsa/v"]);
    await expectFixtureOutput(out, c, "nextvit_prebn.train, k excluded");
  });
});
