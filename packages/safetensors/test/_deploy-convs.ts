import { planBlock } from "@reparam/core";
import { expect } from "vitest";
import { safetensorsAdapter } from "../src/index.js";
import { convertBytes, memoryInput } from "./_memory-io.js";

/**
 * Converts a train state dict and checks that verify finds each block's deploy
 * conv in the result, with the planned shape; returns how many blocks there were.
 */
export async function expectDeployConvs(train: Uint8Array): Promise<number> {
  const model = await safetensorsAdapter.decode(memoryInput("m.safetensors", { "m.safetensors": train }), {});
  const converted = await safetensorsAdapter.decode(
    memoryInput("d.safetensors", { "d.safetensors": (await convertBytes(train)).bytes }),
    {},
  );
  const { candidates } = await safetensorsAdapter.findBlocks(model, {});
  for (const candidate of candidates) {
    const planned = planBlock(candidate.layout);
    if (!planned.ok) throw new Error(planned.refusal.message);
    const conv = await safetensorsAdapter.deployConv!(model, converted, candidate, planned.plan);
    expect(conv?.kernel.shape).toEqual(planned.plan.kernelShape);
    expect(conv?.kernel.data.length).toBe(planned.plan.kernelShape.reduce((n, d) => n * d, 1));
  }
  return candidates.length;
}
