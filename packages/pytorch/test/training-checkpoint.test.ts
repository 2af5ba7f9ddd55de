/// <reference types="node" />
import { describe, expect, it } from "vitest";
import { type PyDict, type PyInstance, type TorchTensor, pytorchAdapter } from "../src/index.js";
import { convertPth, decodePth } from "./_convert.js";
import { trainingCheckpoint } from "./_training-checkpoint.js";

describe("conversion of a training checkpoint to .pth", () => {
  it("keeps optimizer tensors (views, shared storage), numpy scalars and objects", async () => {
    const input = await trainingCheckpoint();
    const model = await decodePth(input);
    expect(pytorchAdapter.describe!(model)).toMatchObject({
      content:
        "training checkpoint, state dict under 'model_state_dict' (also epoch, optimizer, best_fitness, opt, ema)",
      prefix: "module. (DataParallel)",
    });
    const { report, bytes } = await convertPth(input, "x.pth");
    expect(report.fused).toHaveLength(5);
    expect(report.notes?.at(-1)).toMatch(/kept epoch, optimizer, best_fitness, opt, ema .* \(3 tensors copied\)/);
    const back = await decodePth(bytes);
    const root = back.file.root as PyDict;
    expect([...root.map.keys()]).toEqual(["epoch", "model_state_dict", "optimizer", "best_fitness", "opt", "ema"]);
    expect([...back.found.tensors.keys()].every((k) => k.startsWith("module."))).toBe(true);
    expect([...back.found.tensors.keys()]).toContain("module.blocks.0.rbr_reparam.weight");
    const state = (root.map.get("optimizer") as PyDict).map.get("state") as PyDict;
    const buffer = (i: bigint) => (state.map.get(i) as PyDict).map.get("momentum_buffer") as TorchTensor;
    const floats = async (t: TorchTensor) => [...new Float32Array((await back.read(t, 0, 24)).slice().buffer)];
    expect(await floats(buffer(0n))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await floats(buffer(1n))).toEqual([1, 4, 2, 5, 3, 6]); // the transposed view, now contiguous
    const fitness = root.map.get("best_fitness") as PyInstance;
    expect(fitness.cls.qualified).toBe("numpy.core.multiarray.scalar");
    expect(new Float64Array((fitness.args[1] as Uint8Array).slice().buffer)[0]).toBe(0.75);
    expect(((root.map.get("opt") as PyInstance).state as PyDict).map.get("epochs")).toBe(300n);
    expect([...(await back.read(root.map.get("ema") as TorchTensor, 0, 4))]).toEqual([0x00, 0x38, 0x00, 0xc0]);
  });
});
