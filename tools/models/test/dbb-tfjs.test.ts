import { collectSink, isReparamError } from "@reparam/core";
import { type GraphDefJson, type KerasLayerJson, decodeModelJson, kerasModel, tfjsAdapter } from "@reparam/tfjs";
import { describe, expect, it } from "vitest";
import { emitOnnx } from "../src/emit/emit-onnx.js";
import { emitTfjsGraph } from "../src/emit/emit-tfjs-graph.js";
import { emitTfjsLayers } from "../src/emit/emit-tfjs-layers.js";
import { tfjsGraph } from "../src/emit/tfjs-graph.js";
import { tfjsLayersGraph } from "../src/emit/tfjs-layers-graph.js";
import { convertModel } from "./convert-model.js";
import { runOnnx } from "./run-onnx.js";
import { type Files, emitted, runTfjs } from "./run-tfjs.js";
import { SMALL_ARCHS, nchwToNhwc, relativeError, sameBytes, sampleInput } from "./small-archs.js";

const arch = SMALL_ARCHS.dbb!;
const NHWC = [1, 32, 32, 3];
const x = sampleInput(3, 32);
const xt = nchwToNhwc(x, 3, 32, 32);

async function onnxTrain(seed: number): Promise<Float32Array> {
  const sink = collectSink();
  await emitOnnx(arch, { seed, variant: "train" }, sink);
  return (await runOnnx(sink.bytes(), x, [1, 3, 32, 32])).data;
}

const layersFiles = (seed: number) => emitted((open) => emitTfjsLayers(arch, { seed }, open));
const graphFiles = (seed: number) => emitted((open) => emitTfjsGraph(arch, { seed }, open));
const model = (files: Files) => decodeModelJson(files.get("model.json")!);
const nodesOf = (files: Files) => (model(files).modelTopology as GraphDefJson).node ?? [];

function expectUnsupported(f: () => unknown): void {
  try {
    f();
    expect.unreachable();
  } catch (e) {
    expect(isReparamError(e) && e.code).toBe("MODELS_UNSUPPORTED");
  }
}

describe("DBB as TF.js", () => {
  it("writes BNAndPad as ZeroPadding2D -> BatchNormalization and dbb_avg's pool as AveragePooling2D", async () => {
    const layers = kerasModel(model(await layersFiles(0)).modelTopology).config.layers as readonly KerasLayerJson[];
    const names = layers.map((l) => `${l.class_name}:${l.name}`).filter((n) => n.includes("stage1_1_"));
    expect(names).toEqual([
      "Conv2D:stage1_1_dbb_origin_conv",
      "BatchNormalization:stage1_1_dbb_origin_bn",
      "Conv2D:stage1_1_dbb_1x1_conv",
      "BatchNormalization:stage1_1_dbb_1x1_bn",
      "Conv2D:stage1_1_dbb_avg_conv",
      "ZeroPadding2D:stage1_1_dbb_avg_bn_pad",
      "BatchNormalization:stage1_1_dbb_avg_bn_bn",
      "AveragePooling2D:stage1_1_dbb_avg_avg",
      "BatchNormalization:stage1_1_dbb_avg_avgbn",
      "Conv2D:stage1_1_dbb_1x1_kxk_idconv1",
      "ZeroPadding2D:stage1_1_dbb_1x1_kxk_bn1_pad",
      "BatchNormalization:stage1_1_dbb_1x1_kxk_bn1_bn",
      "Conv2D:stage1_1_dbb_1x1_kxk_conv2",
      "BatchNormalization:stage1_1_dbb_1x1_kxk_bn2",
      "Add:stage1_1_add",
      "Activation:stage1_1_act",
    ]);
    const ops = new Set(nodesOf(await graphFiles(0)).map((n) => n.op));
    for (const op of ["Conv2D", "Pad", "AvgPool", "_FusedConv2D", "FusedBatchNormV3", "Mul", "AddV2"])
      expect(ops).toContain(op);
  });

  it("writes a layers model that computes in TF.js what the ONNX train form computes in onnxruntime (same seed)", async () => {
    const want = await onnxTrain(7);
    expect(relativeError(await runTfjs(await layersFiles(7), xt, NHWC), want)).toBeLessThan(1e-4);
  });

  it("writes a graph model that computes what the layers model computes", async () => {
    const want = await runTfjs(await layersFiles(8), xt, NHWC);
    expect(relativeError(await runTfjs(await graphFiles(8), xt, NHWC), want)).toBeLessThan(1e-4);
  });

  it("gives the same files for the same seed and other shards for another", async () => {
    for (const emit of [layersFiles, graphFiles]) {
      const [a, b, c] = [await emit(5), await emit(5), await emit(6)];
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [path, bytes] of a) expect(sameBytes(b.get(path)!, bytes), path).toBe(true);
      expect(sameBytes(c.get("group1-shard1of1.bin")!, a.get("group1-shard1of1.bin")!)).toBe(false);
    }
  });

  it("refuses grouped and depthwise DBB blocks (a grouped conv2) and TF 'same' padding", () => {
    for (const name of ["dbb-dw", "dbb-g2"]) {
      expectUnsupported(() => tfjsLayersGraph(SMALL_ARCHS[name]!, 0, 32, "explicit"));
      expectUnsupported(() => tfjsGraph(SMALL_ARCHS[name]!, 0, 32));
    }
    expectUnsupported(() => tfjsLayersGraph(arch, 0, 32, "same"));
  });
});

describe("DBB through the TF.js converter", () => {
  for (const kind of ["layers", "graph"] as const) {
    const files = (seed: number) => (kind === "layers" ? layersFiles(seed) : graphFiles(seed));
    const converted = async () => {
      const input = await files(3);
      const { report, files: out } = await convertModel(
        tfjsAdapter,
        "model.json",
        input.get("model.json")!,
        Object.fromEntries([...input].filter(([p]) => p !== "model.json")),
      );
      return { input, report, out };
    };

    it(`${kind}: converts without changing the output, refusing nothing`, async () => {
      const { input, report, out } = await converted();
      expect(relativeError(await runTfjs(out, xt, NHWC), await runTfjs(input, xt, NHWC))).toBeLessThan(1e-4);
      expect(report.refused).toEqual([]);
    });

    it(`${kind}: fuses every block`, async () => {
      const { report } = await converted();
      expect(report.families).toEqual({ dbb: arch.blocks.length });
    });
  }
});
