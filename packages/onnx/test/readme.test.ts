/// <reference types="node" />
import * as core from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import * as onnx from "../src/index.js";
import { runReadmeExample } from "./_readme-example.js";

describe("README", () => {
  it("shows an example that converts a model in memory, as written", async () => {
    const bytes = fixtureBytes("repvgg_tiny.train_unfolded.onnx");
    const modules = { "@reparam/core": core, "@reparam/onnx": onnx };
    const { report, deploy } = await runReadmeExample(
      new URL("../README.md", import.meta.url),
      modules,
      { "model.onnx": bytes },
      ["report", "deploy"],
    );
    expect((report as core.ConversionReport).fused).toHaveLength(5);
    expect(onnx.decodeModel(deploy as Uint8Array).graph?.node.filter((n) => n.opType === "Conv")).toHaveLength(5);
  });
});
