import { collectSink } from "@reparam/core";
import { checkGraph, decodeModel, encodeModel, tensorValues as onnxTensorValues } from "@reparam/onnx";
import { describe, expect, it } from "vitest";
import { deployArch } from "../src/arch/deploy-arch.js";
import { outputShape } from "../src/arch/output-shape.js";
import { paramCount } from "../src/arch/param-count.js";
import { type EmitOnnxOptions, emitOnnx, onnxModel } from "../src/emit/emit-onnx.js";
import { stateDictTensors } from "../src/weights/state-dict-tensors.js";
import { tensorValues } from "../src/weights/tensor-values.js";
import { runOnnx } from "./run-onnx.js";
import { SMALL_ARCHS, relativeError, sameBytes, sampleInput } from "./small-archs.js";

async function emitted(name: string, o: EmitOnnxOptions): Promise<Uint8Array> {
  const sink = collectSink();
  const n = await emitOnnx(SMALL_ARCHS[name]!, o, sink);
  const bytes = sink.bytes();
  expect(bytes.byteLength).toBe(n);
  return bytes;
}

const ops = (bytes: Uint8Array) => decodeModel(bytes).graph!.node.map((n) => n.opType);
const count = (list: string[], op: string) => list.filter((o) => o === op).length;

describe("emitOnnx", () => {
  it.each(Object.keys(SMALL_ARCHS))("streams %s byte-identically to encodeModel of the whole model", async (name) => {
    for (const variant of ["train", "folded", "deploy"] as const) {
      const o = { seed: 3, variant };
      expect(sameBytes(await emitted(name, o), encodeModel(onnxModel(SMALL_ARCHS[name]!, o)))).toBe(true);
    }
  });

  it("writes the RepVGG train form as Conv -> BatchNormalization branches with official names", async () => {
    const model = decodeModel(await emitted("repvgg-sample", { seed: 0, variant: "train" }));
    checkGraph(model);
    const g = model.graph!;
    expect(model.opsetImport[0]!.version).toBe(13n);
    expect(g.node.slice(0, 6).map((n) => n.name)).toEqual([
      "/stage0/rbr_dense/conv/Conv",
      "/stage0/rbr_dense/bn/BatchNormalization",
      "/stage0/rbr_1x1/conv/Conv",
      "/stage0/rbr_1x1/bn/BatchNormalization",
      "/stage0/Add",
      "/stage0/nonlinearity/Relu",
    ]);
    expect(g.node.map((n) => n.name)).toContain("/stage1/stage1.1/rbr_identity/BatchNormalization");
    expect(g.node.slice(-3).map((n) => n.opType)).toEqual(["GlobalAveragePool", "Flatten", "Gemm"]);
    // Every state-dict tensor but num_batches_tracked, under its own name, with the same values.
    const specs = stateDictTensors(SMALL_ARCHS["repvgg-sample"]!).filter((s) => s.dtype === "F32");
    expect(g.initializer.map((t) => t.name).sort()).toEqual(specs.map((s) => s.name).sort());
    const byName = new Map(g.initializer.map((t) => [t.name, t]));
    for (const s of specs)
      expect(onnxTensorValues(byName.get(s.name)!).values).toEqual(
        Float64Array.from(tensorValues(s, 0) as Float32Array),
      );
    const params = g.initializer
      .filter((t) => !t.name.includes("running"))
      .reduce((a, t) => a + t.dims.reduce((p, d) => p * Number(d), 1), 0);
    expect(params).toBe(paramCount(SMALL_ARCHS["repvgg-sample"]!));
  });

  it("writes the PyTorch eval-export shape: Conv with bias, identity BatchNormalization kept", async () => {
    const list = ops(await emitted("repvgg-sample", { seed: 0, variant: "folded" }));
    expect(count(list, "Conv")).toBe(14);
    expect(count(list, "BatchNormalization")).toBe(3);
    const g = decodeModel(await emitted("repvgg-sample", { seed: 0, variant: "folded" })).graph!;
    expect(g.node[0]!.input).toEqual(["input", "onnx::Conv_100", "onnx::Conv_101"]);
  });

  it("writes the deploy form as one Conv with bias per block", async () => {
    const g = decodeModel(await emitted("repvgg-sample", { seed: 0, variant: "deploy" })).graph!;
    expect(
      count(
        g.node.map((n) => n.opType),
        "Conv",
      ),
    ).toBe(7);
    expect(g.node[0]!.input).toEqual(["input", "stage0.rbr_reparam.weight", "stage0.rbr_reparam.bias"]);
  });

  it("writes QARepVGG's bare 1x1, bare identity and post-sum BN; SE; SiLU; ACNet's kx1/1xk pads", async () => {
    const qa = decodeModel(await emitted("qarepvgg", { seed: 0, variant: "train" })).graph!;
    expect(qa.node.map((n) => n.name)).toContain("/stage1/stage1.1/bn/BatchNormalization");
    expect(qa.node.find((n) => n.name === "/stage1/stage1.1/Add_1")!.input[1]).toBe(
      "/stage1/stage1.0/nonlinearity/Relu_output_0",
    );
    expect(ops(await emitted("repvgg-se", { seed: 0, variant: "train" }))).toContain("Sigmoid");
    const y = decodeModel(await emitted("yolov7", { seed: 0, variant: "train" })).graph!;
    expect(y.node.map((n) => n.name).slice(0, 2)).toEqual([
      "/model.0/rbr_dense/rbr_dense.0/Conv",
      "/model.0/rbr_dense/rbr_dense.1/BatchNormalization",
    ]);
    const ac = decodeModel(await emitted("acnet", { seed: 0, variant: "train" })).graph!;
    const ver = ac.node.find((n) => n.name === "/stem/ver_conv/Conv")!;
    expect(ver.attribute.find((a) => a.name === "pads")!.ints).toEqual([1n, 0n, 1n, 0n]);
  });

  it("gives the same bytes for the same seed and different ones for another", async () => {
    const a = await emitted("mobileone", { seed: 7, variant: "train" });
    expect(sameBytes(await emitted("mobileone", { seed: 7, variant: "train" }), a)).toBe(true);
    expect(sameBytes(await emitted("mobileone", { seed: 8, variant: "train" }), a)).toBe(false);
  });

  it("leaves the batch dim symbolic when asked", async () => {
    const g = decodeModel(await emitted("repvgg-sample", { seed: 0, variant: "train", dynamicBatch: true })).graph!;
    const type = g.input[0]!.type!.value;
    expect(type.case === "tensorType" && type.value.shape!.dim[0]!.value).toEqual({ case: "dimParam", value: "batch" });
  });
});

describe("emitted ONNX in onnxruntime-node", () => {
  it.each(Object.keys(SMALL_ARCHS))(
    "%s: runs, and the folded export computes what the train form does",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const dims = [1, 3, 32, 32];
      const x = sampleInput(3, 32);
      const train = await runOnnx(await emitted(name, { seed: 1, variant: "train" }), x, dims);
      expect(train.dims).toEqual([1, ...outputShape(arch, 32)]);
      expect(train.data.every(Number.isFinite)).toBe(true);
      expect(Math.max(...train.data.map(Math.abs))).toBeGreaterThan(0);
      const folded = await runOnnx(await emitted(name, { seed: 1, variant: "folded" }), x, dims);
      expect(relativeError(folded.data, train.data)).toBeLessThan(1e-4);
      const deploy = await runOnnx(await emitted(name, { seed: 1, variant: "deploy" }), x, dims);
      expect(deploy.dims).toEqual(train.dims);
      expect(paramCount(deployArch(arch))).toBeLessThan(paramCount(arch));
    },
  );

  it("runs a batch of 2 through the batch-dynamic model", async () => {
    const x = sampleInput(3, 32);
    const both = new Float32Array([...x, ...x]);
    const y = await runOnnx(
      await emitted("repvgg-sample", { seed: 0, variant: "train", dynamicBatch: true }),
      both,
      [2, 3, 32, 32],
    );
    expect(y.dims).toEqual([2, 10]);
    expect(y.data.subarray(10)).toEqual(y.data.subarray(0, 10));
  });
});
