import { create } from "@bufbuild/protobuf";
import { ValueInfoProtoSchema } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { decide, memoryInput } from "@reparam/core";
import { decodeModel, encodeModel, onnxAdapter, tensorValues, type ModelProto } from "../src/index.js";
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

  it("writes every Conv / MatMul / Add weight of the train graph as the deploy graph has it, bit for bit", async () => {
    // The fixture's deploy weights are the analytic float64 fusion rounded once (README): so are ours.
    const deploy = decodeModel(fixtureBytes(c.onnx.deploy));
    const out = await convert(fixtureBytes(c.onnx.train));
    const values = (m: ModelProto) => {
      const inits = new Map(m.graph!.initializer.map((t) => [t.name, t]));
      const byNode = new Map<string, number[][]>();
      for (const n of m.graph!.node)
        if (["Conv", "MatMul", "Add"].includes(n.opType))
          byNode.set(
            n.name,
            n.input.flatMap((i) => (inits.has(i) ? [Array.from(tensorValues(inits.get(i)!).values, Number)] : [])),
          );
      return byNode;
    };
    const got = values(out.model);
    const want = values(deploy);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, v] of want) expect(got.get(name), name).toEqual(v);
    const compared = [...want.values()].flat().reduce((a, v) => a + v.length, 0);
    expect(compared).toBeGreaterThan(150_000); // every weight of the model, not a few
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

  it("refuses the whole group when one member reads a run-time weight (initializersAsInputs 'inputs')", async () => {
    const model = decodeModel(fixtureBytes(c.onnx.train));
    const q = model.graph!.node.find((n) => n.name === "/stages.0.1/e_mhsa/q/MatMul")!;
    model.graph!.input.push(create(ValueInfoProtoSchema, { name: q.input[1]! }));
    const out = await convert(encodeModel(model), { initializersAsInputs: "inputs" });
    expect(ops(out.model, "BatchNormalization")).toEqual([
      "/stages.0.1/norm1/BatchNormalization",
      "/stages.0.1/e_mhsa/norm/BatchNormalization",
    ]);
    const refused = out.report.refused.filter((r) => r.block.startsWith("/stages.0.1/e_mhsa/"));
    expect(refused.map((r) => [r.block, r.reason]).sort()).toEqual([
      ["/stages.0.1/e_mhsa/k", "NON_CONSTANT_WEIGHTS"],
      ["/stages.0.1/e_mhsa/q", "NON_CONSTANT_WEIGHTS"],
      ["/stages.0.1/e_mhsa/v", "NON_CONSTANT_WEIGHTS"],
    ]);
    await expectFixtureOutput(out, c, "nextvit_prebn.train, q's weight a graph input");
  });

  it("finds each of q, k, v in the converted model for verify: its stored weights are the fusion rounded once", async () => {
    const bytes = fixtureBytes(c.onnx.train);
    const original = await onnxAdapter.decode(memoryInput("m.onnx", bytes), {});
    const { candidates } = await onnxAdapter.findBlocks(original, {});
    const out = await convert(bytes);
    const converted = await onnxAdapter.decode(memoryInput("o.onnx", out.bytes), {});
    for (const l of ["q", "k", "v"]) {
      const candidate = candidates.find((k) => k.name === `/stages.0.1/e_mhsa/${l}`)!;
      const d = decide([candidate], {})[0]!;
      if (d.kind !== "fuse") throw new Error(`${l} does not fuse`);
      const stored = (await onnxAdapter.deployConv!(original, converted, candidate, d.plan))!;
      const f = await d.fused();
      expect(stored.kernel.shape).toEqual([96, 96, 1, 1]);
      expect(Array.from(stored.kernel.data)).toEqual(Array.from(f.kernel.data, Math.fround));
      expect(Array.from(stored.bias)).toEqual(Array.from(f.bias, Math.fround));
    }
  });
});
