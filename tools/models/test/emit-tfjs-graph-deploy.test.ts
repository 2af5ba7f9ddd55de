import { type GraphDefJson, type NodeDefJson, decodeModelJson, tfjsAdapter } from "@reparam/tfjs";
import { describe, expect, it } from "vitest";
import type { Arch } from "../src/arch/arch.js";
import { outputShape } from "../src/arch/output-shape.js";
import { emitTfjsGraph } from "../src/emit/emit-tfjs-graph.js";
import { generateModel } from "../src/generate-model.js";
import { convertModel } from "./convert-model.js";
import { type Files, emitted, runTfjs } from "./run-tfjs.js";
import { SMALL_ARCHS, nchwToNhwc, sameBytes, sampleInput } from "./small-archs.js";

const graphFiles = (arch: Arch, seed: number, form: "train" | "deploy", inputSize = 32) =>
  emitted((open) => emitTfjsGraph(arch, { seed, form, inputSize }, open));
const nodesOf = (files: Files) => (decodeModelJson(files.get("model.json")!).modelTopology as GraphDefJson).node ?? [];
const CONVS = new Set(["_FusedConv2D", "FusedDepthwiseConv2dNative", "Conv2D", "DepthwiseConv2dNative"]);
/** Block convs (SE convs read a Mean, not a block input) in order, with the attributes that say how they pad. */
const blockConvs = (nodes: readonly NodeDefJson[]) =>
  nodes
    .filter((n) => CONVS.has(n.op) && !n.name.includes("_se_"))
    .map((n) => ({
      op: n.op,
      strides: n.attr!.strides,
      padding: atob(n.attr!.padding!.s!),
      pads: n.attr!.explicit_paddings,
      fused: n.attr!.fused_ops!.list!.s!.map((s) => atob(s)),
    }));
/** Op counts without Consts. */
const opCounts = (nodes: readonly NodeDefJson[]) => {
  const m = new Map<string, number>();
  for (const n of nodes) if (n.op !== "Const") m.set(n.op, (m.get(n.op) ?? 0) + 1);
  return Object.fromEntries([...m].sort());
};

describe("tfjs-graph-deploy", () => {
  const x = nchwToNhwc(sampleInput(3, 32), 3, 32, 32);

  it.each(["repvgg-sample", "repvgg-se", "mobileone", "yolov7", "dbb"])(
    "%s: writes one conv with BiasAdd per block, which loads and runs in TF.js",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const files = await graphFiles(arch, 1, "deploy");
      const nodes = nodesOf(files);
      const convs = blockConvs(nodes);
      expect(convs).toHaveLength(arch.blocks.length);
      expect(convs.every((c) => c.op.startsWith("Fused") || c.op === "_FusedConv2D")).toBe(true);
      expect(convs.every((c) => c.fused.join() === "BiasAdd")).toBe(true);
      for (const op of ["Pad", "FusedBatchNormV3", "AddV2", "AvgPool"])
        expect(
          nodes.some((n) => n.op === op),
          op,
        ).toBe(false);
      const y = await runTfjs(files, x, [1, 32, 32, 3]);
      expect(y.length).toBe(outputShape(arch, 32).reduce((a, d) => a * d, 1));
      expect(y.every(Number.isFinite)).toBe(true);
    },
  );

  it.each([
    ["repvgg-sample", 32],
    ["repvgg-sample", 33],
    ["mobileone", 32],
    ["yolov7", 32],
  ])("%s at %i px: has the shape of graph tfjsAdapter writes for the train form", async (name, size) => {
    const arch = SMALL_ARCHS[name]!;
    const train = await graphFiles(arch, 2, "train", size);
    const { files } = await convertModel(
      tfjsAdapter,
      "model.json",
      train.get("model.json")!,
      Object.fromEntries([...train].filter(([p]) => p !== "model.json")),
    );
    const [converted, deploy] = [nodesOf(files), nodesOf(await graphFiles(arch, 2, "deploy", size))];
    expect(opCounts(deploy)).toEqual(opCounts(converted));
    expect(blockConvs(deploy)).toEqual(blockConvs(converted));
  });

  it("pads strided blocks EXPLICIT (1, 1) where TF's SAME would pad (0, 1), stride-1 3x3 blocks SAME", async () => {
    const convs = blockConvs(nodesOf(await graphFiles(SMALL_ARCHS["repvgg-sample"]!, 0, "deploy")));
    expect(convs[0]).toMatchObject({
      padding: "EXPLICIT",
      pads: { list: { i: ["0", "0", "1", "1", "1", "1", "0", "0"] } },
    });
    expect(convs[2]).toMatchObject({ padding: "SAME", pads: { list: {} } });
    // 33 px: SAME at stride 2 pads (1, 1).
    expect(blockConvs(nodesOf(await graphFiles(SMALL_ARCHS["repvgg-sample"]!, 0, "deploy", 33)))[0]).toMatchObject({
      padding: "SAME",
    });
  });

  it("gives the same files for the same seed (generateModel's --format tfjs-graph-deploy)", async () => {
    const { mkdtemp, readdir, readFile, rm } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "reparam-graph-deploy-"));
    try {
      const arch = SMALL_ARCHS.dbb!;
      await generateModel(arch, { format: "tfjs-graph-deploy", out: join(dir, "a"), seed: 4 });
      const b = await graphFiles(arch, 4, "deploy");
      expect((await readdir(join(dir, "a"))).sort()).toEqual([...b.keys()].sort());
      for (const [path, bytes] of b)
        expect(sameBytes(new Uint8Array(await readFile(join(dir, "a", path))), bytes), path).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
