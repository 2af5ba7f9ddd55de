/// <reference types="node" />
import * as core from "@reparam/core";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../onnx/test/_readme-example.js";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import * as pytorch from "../src/index.js";
import { convertPth } from "./_convert.js";

describe("README", () => {
  it("shows an example that converts a checkpoint in memory, as written", async () => {
    const bytes = fixtureBytes("pth/repvgg_tiny.train.pth");
    const modules = { "@reparam/core": core, "@reparam/pytorch": pytorch };
    const { report, deploy } = await runReadmeExample(
      new URL("../README.md", import.meta.url),
      modules,
      { "model.pth": bytes },
      ["report", "deploy"],
    );
    expect((report as core.ConversionReport).fused).toHaveLength(5);
    // The README writes the deploy state dict as safetensors: the same bytes as that conversion.
    expect(deploy).toEqual((await convertPth(bytes, "model.deploy.safetensors", { eps: 1e-5 })).bytes);
  });
});
