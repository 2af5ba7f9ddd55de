/// <reference types="node" />
// Layers-model specifics: quantized untouched weights kept byte for byte, the
// Python converter's model_config wrapper, 4 MB output shards, float16
// output, and the blocks the adapter must refuse or skip.
import * as tf from "@tensorflow/tfjs";
import { decide } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights, encodeWeights, memoryFiles, tfjsAdapter } from "../src/index.js";
import { findTfjsBlocks } from "../src/view/find-tfjs-blocks.js";
import type { TfjsWeight } from "../src/index.js";
import type { TfjsModel } from "../src/codec/tfjs-model.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { addRelu, convBn, functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";
import { quantizeFloat16, quantizeUint8, sameBytes } from "./quantize.js";
import { modelInput } from "./model-io.js";
import { encodedSource, type TfjsModelSource } from "./run-model.js";

type T = tf.SymbolicTensor;
const L = tf.layers;
const TOLERANCE = 1e-5;

/** stem conv (ReLU, untouched) -> RepVGG block -> global pool -> dense head. */
const repvggNet =
  (c: number) =>
  (x: T): T => {
    const stem = L.conv2d({ filters: c, kernelSize: 3, padding: "same", activation: "relu", name: "stem" }).apply(
      x,
    ) as T;
    const b = addRelu("blk", [
      convBn(stem, "blk_dense", { filters: c, k: [3, 3], padding: "same" }),
      convBn(stem, "blk_1x1", { filters: c, k: [1, 1], padding: "same" }),
    ]);
    return L.dense({ units: 3, name: "head" }).apply(L.globalAveragePooling2d({ name: "pool" }).apply(b)) as T;
  };

async function build(
  shape: [number | null, number | null, number],
  body: (x: T) => T,
  seed = 1,
): Promise<TfjsModelSource & { json: Record<string, unknown> }> {
  const model = functional(shape, body);
  randomizeWeights(model, seed);
  const src = await saveLayersModel(model);
  model.dispose();
  return src;
}

async function decoded(src: TfjsModelSource): Promise<TfjsModel> {
  const json = decodeModelJson(src.modelJson);
  return { json, format: "layers-model", weights: await decodeWeights(json.weightsManifest ?? [], src.files) };
}

describe("layers models: weights, wrappers and shards", () => {
  it("keeps uint8-quantized weights of untouched layers byte for byte", async () => {
    const src = await build([8, 8, 3], repvggNet(4));
    const model = await decoded(src);
    const weights: TfjsWeight[] = model.weights.map((w) =>
      w.name === "stem/kernel" || w.name === "head/kernel" ? quantizeUint8(w) : w,
    );
    const quantized = encodedSource(model.json, weights);
    const res = await convertAndRun(quantized, randomInput([1, 8, 8, 3], 9), [1, 8, 8, 3]);
    console.log(`layers uint8 untouched weights: ratio ${res.ratio.toExponential(3)}`);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    const out = await decodeWeights(decodeModelJson(res.output.modelJson).weightsManifest ?? [], res.output.files);
    for (const name of ["stem/kernel", "head/kernel"]) {
      const before = weights.find((w) => w.name === name)!;
      const after = out.find((w) => w.name === name)!;
      expect(after.quantization).toEqual(before.quantization);
      expect(sameBytes(after.bytes, before.bytes)).toBe(true);
    }
    expect(out.map((w) => w.name)).toEqual([
      "stem/kernel",
      "stem/bias",
      "blk_reparam_conv/kernel",
      "blk_reparam_conv/bias",
      "head/kernel",
      "head/bias",
    ]);
    expect(
      out
        .filter((w) => w.name.startsWith("blk_reparam"))
        .every((w) => w.dtype === "float32" && w.quantization === undefined),
    ).toBe(true);
  });

  it("fuses float16-quantized block weights (dequantized as TF.js does) into float32 weights with dtype f32", async () => {
    const src = await build([8, 8, 3], repvggNet(4));
    const model = await decoded(src);
    const weights = model.weights.map((w) => (w.name.startsWith("blk_") ? quantizeFloat16(w) : w));
    const res = await convertAndRun(encodedSource(model.json, weights), randomInput([1, 8, 8, 3], 9), [1, 8, 8, 3], {
      dtype: "f32",
    });
    expect(res.report.fused).toHaveLength(1);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(res.json.weightsManifest?.[0]?.weights.filter((w) => w.quantization !== undefined)).toEqual([]);
  });

  it("keeps float16-quantized block weights float16 with the default dtype (the input's encoding)", async () => {
    const src = await build([8, 8, 3], repvggNet(4));
    const model = await decoded(src);
    const weights = model.weights.map((w) => (w.name.startsWith("blk_") ? quantizeFloat16(w) : w));
    const res = await convertAndRun(encodedSource(model.json, weights), randomInput([1, 8, 8, 3], 9), [1, 8, 8, 3]);
    expect(res.report.fused).toHaveLength(1);
    expect(res.ratio).toBeLessThanOrEqual(1e-2);
    const fused = res.json.weightsManifest?.[0]?.weights.filter((w) => w.name.startsWith("blk_reparam_conv/"));
    expect(fused?.map((w) => w.quantization)).toEqual([{ dtype: "float16" }, { dtype: "float16" }]);
    expect(res.report.requantized).toBeUndefined();
  });

  it("reads and keeps the Python converter's {model_config} wrapper", async () => {
    const src = await build([6, 6, 3], repvggNet(4));
    const json = {
      ...src.json,
      modelTopology: { keras_version: "2.15.0", backend: "tensorflow", model_config: src.json.modelTopology },
    };
    const wrapped = { modelJson: new TextEncoder().encode(JSON.stringify(json)), files: src.files };
    const res = await convertAndRun(wrapped, randomInput([1, 6, 6, 3], 4), [1, 6, 6, 3]);
    expect(res.report.fused).toHaveLength(1);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    const t = res.json.modelTopology as Record<string, unknown>;
    expect(Object.keys(t)).toEqual(["keras_version", "backend", "model_config"]);
  });

  it("writes fused weights over 4 MB into group1-shardKofN.bin files of 4194304 bytes", async () => {
    const src = await build([4, 4, 384], (x) =>
      addRelu("big", [
        convBn(x, "big_3x3", { filters: 384, k: [3, 3], padding: "same" }),
        convBn(x, "big_1x1", { filters: 384, k: [1, 1], padding: "same" }),
      ]),
    );
    const res = await convertAndRun(src, randomInput([1, 4, 4, 384], 1), [1, 4, 4, 384]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    const shards = [...res.output.written.keys()].filter((p) => p !== "model.json").sort();
    expect(shards).toEqual(["group1-shard1of2.bin", "group1-shard2of2.bin"]);
    expect(res.output.written.get("group1-shard1of2.bin")!.byteLength).toBe(4194304);
    expect(res.json.weightsManifest?.[0]?.paths).toEqual(["group1-shard1of2.bin", "group1-shard2of2.bin"]);
  });

  it("stores fused weights as float16 with dtype f16 (TF.js dequantizes them)", async () => {
    const src = await build([6, 6, 3], repvggNet(4));
    const res = await convertAndRun(src, randomInput([1, 6, 6, 3], 4), [1, 6, 6, 3], { dtype: "f16" });
    expect(
      res.json.weightsManifest?.[0]?.weights.find((w) => w.name === "blk_reparam_conv/kernel")?.quantization,
    ).toEqual({ dtype: "float16" });
    expect(res.ratio).toBeLessThanOrEqual(1e-2);
  });
});

describe("layers models: blocks left alone", () => {
  it("refuses a fusion into a grouped conv (tfjs-layers' Conv2D has no groups)", async () => {
    // Keras >= 2.3 writes `groups`; TF.js cannot run it, but the model is readable.
    const conv = (name: string, k: number) => ({
      name,
      class_name: "Conv2D",
      inbound_nodes: [[["input", 0, 0, {}]]],
      config: {
        name,
        filters: 4,
        kernel_size: [k, k],
        strides: [1, 1],
        padding: "same",
        groups: 2,
        use_bias: false,
        activation: "linear",
      },
    });
    const layers = [
      {
        name: "input",
        class_name: "InputLayer",
        inbound_nodes: [],
        config: { name: "input", batch_input_shape: [null, 5, 5, 4] },
      },
      conv("g3", 3),
      conv("g1", 1),
      {
        name: "sum",
        class_name: "Add",
        inbound_nodes: [
          [
            ["g3", 0, 0, {}],
            ["g1", 0, 0, {}],
          ],
        ],
        config: { name: "sum" },
      },
    ];
    const topology = {
      class_name: "Model",
      config: { name: "m", layers, input_layers: [["input", 0, 0]], output_layers: [["sum", 0, 0]] },
    };
    const w = (name: string, shape: number[]) => ({
      name,
      shape,
      values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1),
    });
    const { manifest, shards } = encodeWeights([w("g3/kernel", [3, 3, 2, 4]), w("g1/kernel", [1, 1, 2, 4])]);
    const modelJson = new TextEncoder().encode(
      JSON.stringify({ format: "layers-model", modelTopology: topology, weightsManifest: manifest }),
    );
    const model = await tfjsAdapter.decode(modelInput({ modelJson, files: memoryFiles(shards) }), {});
    const { candidates, refused } = await findTfjsBlocks(model);
    expect(refused).toEqual([]);
    // Found by the matcher, refused by the adapter's canWrite when decided.
    const decisions = decide(candidates, {}, (c, p) => tfjsAdapter.canWrite!(model, c, p));
    expect(decisions.map((d) => d.kind)).toEqual(["refuse"]);
    const r = decisions[0]!.kind === "refuse" ? decisions[0]!.refusal : undefined;
    expect(r?.reason).toBe("FORMAT_UNSUPPORTED");
    expect(r?.message).toContain("2 groups over 4 channels");
  });

  it("refuses 'same' at stride 2 when the input size is unknown, fuses 'same' at stride 1 anyway", async () => {
    const src = await build([null, null, 4], (x) => {
      const a = addRelu("s1", [
        convBn(x, "s1_3x3", { filters: 4, k: [3, 3], padding: "same" }),
        convBn(x, "s1_1x1", { filters: 4, k: [1, 1], padding: "same" }),
      ]);
      return addRelu("s2", [
        convBn(a, "s2_3x3", { filters: 4, k: [3, 3], stride: 2, padding: "same" }),
        convBn(a, "s2_1x1", { filters: 4, k: [1, 1], stride: 2, padding: "same" }),
      ]);
    });
    const res = await convertAndRun(src, randomInput([1, 7, 6, 4], 3), [1, 7, 6, 4]);
    expect(res.report.fused.map((f) => f.name)).toEqual(["s1"]);
    // The sum and (by core's conv + BN pass) each of its branches: all for want of the size.
    expect(res.report.refused.map((r) => r.block)).toContain("s2");
    expect(new Set(res.report.refused.map((r) => r.reason))).toEqual(new Set(["PADS_UNKNOWN"]));
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("leaves x + BN(x) alone on a 2-D tensor (not NHWC), fuses it on a feature map and into a Dense before it", async () => {
    const x = tf.input({ shape: [4], name: "v" });
    const d = L.dense({ units: 4, name: "fc" }).apply(x) as T;
    const a = L.activation({ activation: "relu", name: "fc_relu" }).apply(d) as T;
    const residual = (t: T) =>
      L.add({ name: "res" }).apply([t, L.batchNormalization({ name: "res_bn" }).apply(t) as T]);
    const flat = tf.model({ inputs: x, outputs: residual(a) as T });
    randomizeWeights(flat, 2);
    const src = await saveLayersModel(flat);
    // Dense(x) + BN(Dense(x)) is one Linear: written back as a Dense.
    const linear = tf.model({ inputs: x, outputs: residual(d) as T });
    randomizeWeights(linear, 2);
    const linearSrc = await saveLayersModel(linear);
    flat.dispose(); // and the Dense both share (disposing linear after it would throw)
    const res = await convertAndRun(src, randomInput([1, 4], 1), [1, 4]);
    expect(res.report.fused).toEqual([]);
    expect(res.ratio).toBe(0);
    const dense = await convertAndRun(linearSrc, randomInput([1, 4], 1), [1, 4]);
    expect(dense.report.fused).toHaveLength(1);
    expect(opsOf(dense.json)).toEqual(["InputLayer", "Dense"]);
    expect(dense.ratio).toBeLessThanOrEqual(TOLERANCE);
    const map = await build(
      [5, 5, 4],
      (h) => L.add({ name: "res" }).apply([h, L.batchNormalization({ name: "res_bn" }).apply(h) as T]) as T,
    );
    const fusedMap = await convertAndRun(map, randomInput([1, 5, 5, 4], 1), [1, 5, 5, 4]);
    expect(fusedMap.report.fused).toHaveLength(1);
    expect(fusedMap.ratio).toBeLessThanOrEqual(TOLERANCE);
    expect(countConvs(fusedMap.json)).toBe(1);
  });

  it("refuses a block whose branch output is read elsewhere, and skips excluded blocks", async () => {
    const src = await build([6, 6, 4], (x) => {
      const dense = convBn(x, "t_3x3", { filters: 4, k: [3, 3], padding: "same" });
      const sum = addRelu("t", [dense, convBn(x, "t_1x1", { filters: 4, k: [1, 1], padding: "same" })]);
      return L.concatenate({ name: "tap" }).apply([sum, dense]) as T;
    });
    const res = await convertAndRun(src, randomInput([1, 6, 6, 4], 3), [1, 6, 6, 4]);
    expect(res.report.refused.map((r) => r.reason)).toContain("SHARED_INTERMEDIATE");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    const src2 = await build([6, 6, 3], repvggNet(4));
    const skipped = await convertAndRun(src2, randomInput([1, 6, 6, 3], 4), [1, 6, 6, 3], { exclude: ["blk"] });
    expect(skipped.report.skipped.map((s) => s.name)).toEqual(["blk"]);
    expect(countConvs(skipped.json)).toBe(3);
    expect(skipped.ratio).toBe(0);
  });
});
