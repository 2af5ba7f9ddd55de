/// <reference types="node" />
import * as core from "@reparam/core";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../onnx/test/_readme-example.js";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import * as safetensors from "../src/index.js";
import { convertBytes } from "./_memory-io.js";

describe("README", () => {
  it("shows an example that converts a state dict in memory, as written", async () => {
    const bytes = fixtureBytes("repvgg_tiny.train.safetensors");
    const modules = { "@reparam/core": core, "@reparam/safetensors": safetensors };
    const { report, deploy } = await runReadmeExample(
      new URL("../README.md", import.meta.url),
      modules,
      { "model.safetensors": bytes },
      ["report", "deploy"],
    );
    expect((report as core.ConversionReport).fused).toHaveLength(5);
    expect(deploy).toEqual((await convertBytes(bytes, { eps: 1e-5 })).bytes);
  });
});
