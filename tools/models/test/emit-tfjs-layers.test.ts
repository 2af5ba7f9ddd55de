import * as tf from "@tensorflow/tfjs";
import { collectSink, isReparamError } from "@reparam/core";
import {
  type KerasLayerJson,
  decodeModelJson,
  decodeWeights,
  encodeWeights,
  kerasModel,
  memoryFiles,
} from "@reparam/tfjs";
import { describe, expect, it } from "vitest";
import type { Arch } from "../src/arch/arch.js";
import { outputShape } from "../src/arch/output-shape.js";
import { emitOnnx } from "../src/emit/emit-onnx.js";
import { type EmitTfjsLayersOptions, emitTfjsLayers } from "../src/emit/emit-tfjs-layers.js";
import { tfjsLayersGraph } from "../src/emit/tfjs-layers-graph.js";
import { runOnnx } from "./run-onnx.js";
import { SMALL_ARCHS, nchwToNhwc, relativeError, sameBytes, sampleInput } from "./small-archs.js";

async function emitted(arch: Arch, o: EmitTfjsLayersOptions) {
  const files = new Map<string, Uint8Array>();
  const open = (path: string) => {
    const sink = collectSink();
    return Promise.resolve({ write: sink.write, close: () => Promise.resolve(files.set(path, sink.bytes())) });
  };
  await emitTfjsLayers(arch, o, open);
  const model = decodeModelJson(files.get("model.json")!);
  const weights = await decodeWeights(model.weightsManifest!, memoryFiles(files));
  return { files, model, weights, layers: kerasModel(model.modelTopology).config.layers as readonly KerasLayerJson[] };
}

async function runTfjs(files: Map<string, Uint8Array>, x: Float32Array, shape: number[]): Promise<Float32Array> {
  await tf.setBackend("cpu");
  const json = JSON.parse(new TextDecoder().decode(files.get("model.json")!)) as tf.io.ModelJSON;
  const model = await tf.loadLayersModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(json, (manifest) => {
        const group = manifest[0]!;
        const data = group.paths.map((p) => files.get(p)!.slice().buffer as ArrayBuffer);
        return Promise.resolve([group.weights, data]);
      }),
  });
  const input = tf.tensor(x, shape);
  const y = model.predict(input) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([input, y]);
  model.dispose();
  return out;
}

describe("emitTfjsLayers", () => {
  it("writes Conv2D + BatchNormalization branches, Add, Activation, GAP and Dense, and decodes", async () => {
    const { layers, weights } = await emitted(SMALL_ARCHS["repvgg-sample"]!, { seed: 0 });
    expect(layers.slice(0, 8).map((l) => `${l.class_name}:${l.name}`)).toEqual([
      "InputLayer:input_1",
      "ZeroPadding2D:stage0_rbr_dense_conv_pad",
      "Conv2D:stage0_rbr_dense_conv",
      "BatchNormalization:stage0_rbr_dense_bn",
      "Conv2D:stage0_rbr_1x1_conv",
      "BatchNormalization:stage0_rbr_1x1_bn",
      "Add:stage0_add",
      "Activation:stage0_act",
    ]);
    expect(layers.map((l) => l.name)).toContain("stage1_1_rbr_identity");
    expect(layers.slice(-2).map((l) => l.class_name)).toEqual(["GlobalAveragePooling2D", "Dense"]);
    const byName = new Map(weights.map((w) => [w.name, w]));
    expect(byName.get("stage0_rbr_dense_conv/kernel")!.shape).toEqual([3, 3, 3, 16]);
    expect(byName.get("stage1_1_rbr_identity/moving_variance")!.shape).toEqual([16]);
    expect(byName.get("linear/kernel")!.shape).toEqual([64, 10]);
  });

  it("lays shards out as encodeWeights does, weights straddling shards", async () => {
    const arch = SMALL_ARCHS.mobileone!;
    const { files, model, weights } = await emitted(arch, { seed: 2, shardBytes: 10_000 });
    const reference = encodeWeights(weights, { shardBytes: 10_000 });
    expect(model.weightsManifest).toEqual(reference.manifest);
    expect(reference.shards.length).toBeGreaterThan(3);
    for (const s of reference.shards) expect(sameBytes(files.get(s.path)!, s.bytes)).toBe(true);
  });

  it("gives the same bytes for the same seed", async () => {
    const a = await emitted(SMALL_ARCHS.acnet!, { seed: 4 });
    const b = await emitted(SMALL_ARCHS.acnet!, { seed: 4 });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [path, bytes] of a.files) expect(sameBytes(b.files.get(path)!, bytes)).toBe(true);
  });

  it("refuses grouped (not depthwise) convs, which tfjs-layers cannot express", () => {
    try {
      tfjsLayersGraph(SMALL_ARCHS["repvgg-g2"]!, 0, 32, "explicit");
      expect.unreachable();
    } catch (e) {
      expect(isReparamError(e) && e.code).toBe("MODELS_UNSUPPORTED");
    }
  });

  it("uses TF 'same' padding everywhere when asked", async () => {
    const { layers } = await emitted(SMALL_ARCHS["repvgg-sample"]!, { seed: 0, padding: "same" });
    expect(layers.some((l) => l.class_name === "ZeroPadding2D")).toBe(false);
  });

  it.each(["repvgg-sample", "repvgg-se", "qarepvgg", "mobileone", "acnet", "yolov7"])(
    "%s: writes a layers model that computes in TF.js what its ONNX train form computes in onnxruntime (same seed)",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const x = sampleInput(3, 32);
      const sink = collectSink();
      await emitOnnx(arch, { seed: 9, variant: "train" }, sink);
      const onnx = (await runOnnx(sink.bytes(), x, [1, 3, 32, 32])).data;
      for (const form of ["train", "deploy"] as const) {
        const { files } = await emitted(arch, { seed: 9, form });
        const y = await runTfjs(files, nchwToNhwc(x, 3, 32, 32), [1, 32, 32, 3]);
        if (form === "deploy") {
          expect(y.every(Number.isFinite)).toBe(true);
          continue;
        }
        const shape = outputShape(arch, 32);
        const expected = shape.length === 3 ? nchwToNhwc(onnx, shape[0]!, shape[1]!, shape[2]!) : onnx;
        expect(relativeError(y, expected)).toBeLessThan(1e-4);
      }
    },
  );
});
