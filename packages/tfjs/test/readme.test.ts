/// <reference types="node" />
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as core from "@reparam/core";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../onnx/test/_readme-example.js";
import * as tfjs from "../src/index.js";
import { TFJS_FIXTURES } from "./fixtures.js";

describe("README", () => {
  it("shows an example that converts a layers model in memory, as written", async () => {
    const dir = join(TFJS_FIXTURES, "repvgg_tiny", "layers");
    const json = new Uint8Array(readFileSync(join(dir, "model.json")));
    const shard = new Uint8Array(readFileSync(join(dir, "weights.bin")));
    const modules = { "@reparam/core": core, "@reparam/tfjs": tfjs };
    const { report, output } = await runReadmeExample(
      new URL("../README.md", import.meta.url),
      modules,
      { json, shard },
      ["report", "output"],
    );
    expect((report as core.ConversionReport).fused).toHaveLength(5);
    expect([...(output as core.MemoryOutput).files.keys()].sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
  });
});
