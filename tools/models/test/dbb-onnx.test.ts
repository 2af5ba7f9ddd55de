import { bytesSource, collectSink } from "@reparam/core";
import { checkGraph, decodeModel, onnxAdapter } from "@reparam/onnx";
import { decodeSafetensors, safetensorsAdapter } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import type { Arch } from "../src/arch/arch.js";
import { deployArch } from "../src/arch/deploy-arch.js";
import { emitOnnx, onnxParts } from "../src/emit/emit-onnx.js";
import { encodeOnnxStream } from "../src/emit/encode-onnx-stream.js";
import { emitSafetensors } from "../src/emit/emit-safetensors.js";
import { convertModel } from "./convert-model.js";
import { runOnnx } from "./run-onnx.js";
import { SMALL_ARCHS, relativeError, sameBytes, sampleInput } from "./small-archs.js";

const DBB_ARCHS = ["dbb", "dbb-dw", "dbb-g2"] as const;
const DIMS = [1, 3, 32, 32];

async function onnxBytes(arch: Arch, variant: "train" | "folded", seed: number): Promise<Uint8Array> {
  const sink = collectSink();
  await emitOnnx(arch, { seed, variant }, sink);
  return sink.bytes();
}

async function safetensorsBytes(arch: Arch, seed: number): Promise<Uint8Array> {
  const sink = collectSink();
  await emitSafetensors(arch, { seed }, sink);
  return sink.bytes();
}

/** The ONNX deploy graph of `arch` with every initializer taken from a deploy state dict (safetensors bytes). */
async function deployOnnxWith(arch: Arch, stateDict: Uint8Array): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(stateDict));
  const { model, initializers } = onnxParts(arch, { seed: 0, variant: "deploy" });
  const data = new Map<string, Uint8Array>();
  for (const t of initializers) {
    expect(file.tensor(t.name), t.name).toMatchObject({ dtype: "F32", shape: t.dims });
    data.set(t.name, (await file.readTensor(t.name)).slice());
  }
  const sink = collectSink();
  await encodeOnnxStream(
    model,
    initializers.map((t) => ({ ...t, bytes: () => data.get(t.name)! })),
    sink,
  );
  return sink.bytes();
}

describe("DBB as ONNX", () => {
  it("writes the branches as Conv/BatchNormalization, BNAndPad as Pad -> BatchNormalization, the pool counting pads", async () => {
    const g = decodeModel(await onnxBytes(SMALL_ARCHS.dbb!, "train", 0)).graph!;
    const stage1 = g.node.filter((n) => n.name.startsWith("/stage1/stage1.1/")).map((n) => n.name);
    expect(stage1).toEqual([
      "/stage1/stage1.1/dbb_origin/conv/Conv",
      "/stage1/stage1.1/dbb_origin/bn/BatchNormalization",
      "/stage1/stage1.1/dbb_1x1/conv/Conv",
      "/stage1/stage1.1/dbb_1x1/bn/BatchNormalization",
      "/stage1/stage1.1/dbb_avg/conv/Conv",
      "/stage1/stage1.1/dbb_avg/bn/Constant",
      "/stage1/stage1.1/dbb_avg/bn/Pad",
      "/stage1/stage1.1/dbb_avg/bn/bn/BatchNormalization",
      "/stage1/stage1.1/dbb_avg/avg/AveragePool",
      "/stage1/stage1.1/dbb_avg/avgbn/BatchNormalization",
      "/stage1/stage1.1/dbb_1x1_kxk/idconv1/Constant",
      "/stage1/stage1.1/dbb_1x1_kxk/idconv1/Add",
      "/stage1/stage1.1/dbb_1x1_kxk/idconv1/Conv",
      "/stage1/stage1.1/dbb_1x1_kxk/bn1/Constant",
      "/stage1/stage1.1/dbb_1x1_kxk/bn1/Pad",
      "/stage1/stage1.1/dbb_1x1_kxk/bn1/bn/BatchNormalization",
      "/stage1/stage1.1/dbb_1x1_kxk/conv2/Conv",
      "/stage1/stage1.1/dbb_1x1_kxk/bn2/BatchNormalization",
      "/stage1/stage1.1/Add",
      "/stage1/stage1.1/Add_1",
      "/stage1/stage1.1/Add_2",
      "/stage1/stage1.1/nonlinear/Relu",
    ]);
    const dw = decodeModel(await onnxBytes(SMALL_ARCHS["dbb-dw"]!, "train", 0)).graph!;
    const pool = dw.node.find((n) => n.name === "/stage1/stage1.1/dbb_avg/avg/AveragePool")!;
    expect(pool.attribute.find((a) => a.name === "pads")!.ints).toEqual([1n, 1n, 1n, 1n]);
    expect(dw.node.map((n) => n.name)).toContain("/stage1/stage1.1/dbb_1x1_kxk/conv1/Conv");
    expect(dw.node.map((n) => n.name)).not.toContain("/stage1/stage1.1/dbb_1x1/conv/Conv");
  });

  it("gives the same bytes for the same seed and different ones for another", async () => {
    for (const variant of ["train", "folded"] as const) {
      const a = await onnxBytes(SMALL_ARCHS["dbb-dw"]!, variant, 3);
      expect(sameBytes(await onnxBytes(SMALL_ARCHS["dbb-dw"]!, variant, 3), a)).toBe(true);
      expect(sameBytes(await onnxBytes(SMALL_ARCHS["dbb-dw"]!, variant, 4), a)).toBe(false);
    }
  });

  it.each(DBB_ARCHS)(
    "%s: writes train and folded forms that pass checkGraph and compute the same in onnxruntime",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const x = sampleInput(3, 32);
      const train = await onnxBytes(arch, "train", 2);
      const folded = await onnxBytes(arch, "folded", 2);
      checkGraph(decodeModel(train));
      checkGraph(decodeModel(folded));
      const [a, b] = [await runOnnx(train, x, DIMS), await runOnnx(folded, x, DIMS)];
      expect(a.dims).toEqual([1, 10]);
      expect(relativeError(b.data, a.data)).toBeLessThan(1e-4);
    },
  );

  // Checks the ONNX train form against the safetensors adapter, whose DBB fusion its own tests check against a
  // naive reference of DingXiaoH's forward: same seed, same weights, so the fused deploy net must compute what the
  // train graph computes.
  it.each(DBB_ARCHS)(
    "%s: writes a state dict that the safetensors converter fuses, every block, into what the ONNX train form computes",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const { report, files } = await convertModel(
        safetensorsAdapter,
        "model.safetensors",
        await safetensorsBytes(arch, 4),
      );
      expect(report.refused).toEqual([]);
      expect(report.families).toEqual({ dbb: arch.blocks.length });
      const deploy = await deployOnnxWith(deployArch(arch), files.get("model.safetensors")!);
      const x = sampleInput(3, 32);
      const want = await runOnnx(await onnxBytes(arch, "train", 4), x, DIMS);
      const got = await runOnnx(deploy, x, DIMS);
      expect(relativeError(got.data, want.data)).toBeLessThan(1e-4);
    },
  );
});

describe("DBB through the ONNX converter", () => {
  const converted = async (name: string, variant: "train" | "folded") => {
    const bytes = await onnxBytes(SMALL_ARCHS[name]!, variant, 6);
    const { report, files } = await convertModel(onnxAdapter, "model.onnx", bytes);
    return { bytes, report, out: files.get("model.onnx")! };
  };

  for (const variant of ["train", "folded"] as const) {
    it.each(DBB_ARCHS)(`%s (${variant}): converts without changing the output, refusing nothing`, async (name) => {
      const { bytes, report, out } = await converted(name, variant);
      const x = sampleInput(3, 32);
      const [before, after] = [await runOnnx(bytes, x, DIMS), await runOnnx(out, x, DIMS)];
      expect(relativeError(after.data, before.data)).toBeLessThan(1e-4);
      expect(report.refused).toEqual([]);
    });

    it.each(DBB_ARCHS)(`%s (${variant}): fuses every block into one Conv`, async (name) => {
      const { report, out } = await converted(name, variant);
      expect(report.families).toEqual({ dbb: SMALL_ARCHS[name]!.blocks.length });
      expect(decodeModel(out).graph!.node.filter((n) => n.opType === "Conv")).toHaveLength(
        SMALL_ARCHS[name]!.blocks.length,
      );
    });
  }
});
