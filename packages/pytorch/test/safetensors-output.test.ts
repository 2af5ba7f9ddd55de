/// <reference types="node" />
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertPth } from "./_convert.js";

describe("a training checkpoint written as safetensors", () => {
  it("says which entries a safetensors file cannot hold", async () => {
    const { report } = await convertPth(fixtureBytes("pth/acnet.train_ckpt.pth"), "x.safetensors");
    expect(report.notes?.at(-1)).toBe(
      "training checkpoint: only the state dict is written (safetensors holds tensors only; epoch, optimizer, best_acc left out: write a .pth to keep them)",
    );
  });
});
