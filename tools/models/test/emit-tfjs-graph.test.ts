import { type ModelInput, type ModelOutput, bytesSource, isReparamError, reparameterize } from "@reparam/core";
import { type GraphDefJson, decodeModelJson, decodeWeights, memoryFiles, tfjsAdapter } from "@reparam/tfjs";
import { describe, expect, it } from "vitest";
import type { Arch } from "../src/arch/arch.js";
import { emitTfjsGraph } from "../src/emit/emit-tfjs-graph.js";
import { emitTfjsLayers } from "../src/emit/emit-tfjs-layers.js";
import { tfjsGraph } from "../src/emit/tfjs-graph.js";
import { type Files, emitted, memoryOpen, runTfjs } from "./run-tfjs.js";
import { SMALL_ARCHS, nchwToNhwc, relativeError, sampleInput } from "./small-archs.js";

const graphFiles = (arch: Arch, seed: number) => emitted((open) => emitTfjsGraph(arch, { seed }, open));
const nodesOf = (files: Files) => (decodeModelJson(files.get("model.json")!).modelTopology as GraphDefJson).node ?? [];

describe("emitTfjsGraph", () => {
  it("writes the converter's node forms, decodes, and names Consts after their weights", async () => {
    const files = await graphFiles(SMALL_ARCHS["repvgg-sample"]!, 0);
    const model = decodeModelJson(files.get("model.json")!);
    expect(model.format).toBe("graph-model");
    const nodes = nodesOf(files);
    const ops = new Set(nodes.map((n) => n.op));
    for (const op of [
      "Const",
      "Placeholder",
      "Pad",
      "_FusedConv2D",
      "FusedBatchNormV3",
      "Mul",
      "AddV2",
      "Relu",
      "Mean",
      "_FusedMatMul",
      "Identity",
    ])
      expect(ops).toContain(op);
    const conv = nodes.find((n) => n.op === "_FusedConv2D")!;
    expect(conv.name).toBe("StatefulPartitionedCall/repvgg_sample/stage0_rbr_dense_bn/FusedBatchNormV3");
    expect(conv.attr!.strides).toEqual({ list: { i: ["1", "2", "2", "1"] } });
    expect(atob(conv.attr!.padding!.s!)).toBe("VALID");
    expect(conv.attr!.fused_ops!.list!.s!.map((s) => atob(s))).toEqual(["BiasAdd"]);
    const weights = await decodeWeights(model.weightsManifest!, memoryFiles(files));
    const consts = nodes.filter((n) => n.op === "Const").map((n) => n.name);
    expect(weights.map((w) => w.name)).toEqual(consts);
    expect(weights.find((w) => w.name.endsWith("stage0_rbr_dense_conv_pad/Pad/paddings"))!.dtype).toBe("int32");
  });

  it.each(["repvgg-sample", "repvgg-se", "qarepvgg", "mobileone", "acnet", "yolov7"])(
    "%s: writes a graph model that computes in TF.js what its tfjs-layers model computes (same seed)",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const x = nchwToNhwc(sampleInput(3, 32), 3, 32, 32);
      const layers = await emitted((open) => emitTfjsLayers(arch, { seed: 5 }, open));
      const want = await runTfjs(layers, x, [1, 32, 32, 3]);
      const got = await runTfjs(await graphFiles(arch, 5), x, [1, 32, 32, 3]);
      expect(got.length).toBe(want.length);
      expect(relativeError(got, want)).toBeLessThan(1e-4);
    },
  );

  it("converts with tfjsAdapter: every block fused, none refused, same outputs", async () => {
    const arch = SMALL_ARCHS["repvgg-sample"]!;
    const files = await graphFiles(arch, 3);
    const input: ModelInput = {
      name: "model.json",
      main: bytesSource(files.get("model.json")!),
      open: (path) => Promise.resolve(bytesSource(files.get(path)!)),
    };
    const written: Files = new Map();
    const output: ModelOutput = {
      name: "model.json",
      create: async (path) => {
        const sink = await memoryOpen(written)(path);
        return { write: sink.write, close: async () => void (await sink.close()) };
      },
    };
    const report = await reparameterize(tfjsAdapter, input, output);
    expect(report.refused).toEqual([]);
    expect(report.fused).toHaveLength(arch.blocks.length);
    const x = nchwToNhwc(sampleInput(3, 32), 3, 32, 32);
    const [before, after] = [await runTfjs(files, x, [1, 32, 32, 3]), await runTfjs(written, x, [1, 32, 32, 3])];
    expect(relativeError(after, before)).toBeLessThan(1e-4);
    expect(nodesOf(written).filter((n) => n.op === "_FusedConv2D")).toHaveLength(arch.blocks.length);
  });

  it("refuses grouped (not depthwise) convs", () => {
    try {
      tfjsGraph(SMALL_ARCHS["repvgg-g2"]!, 0, 32);
      expect.unreachable();
    } catch (e) {
      expect(isReparamError(e) && e.code).toBe("MODELS_UNSUPPORTED");
    }
  });
});
