/// <reference types="node" />
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@reparam/core";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../onnx/test/_readme-example.js";
import * as tfjs from "../src/index.js";

describe("README", () => {
  it("shows an example that converts a layers model in memory, as written", async () => {
    const dir = fileURLToPath(new URL("../../../tools/models/samples/repvgg-sample-tfjs/", import.meta.url));
    const json = new Uint8Array(readFileSync(join(dir, "model.json")));
    const shard = new Uint8Array(readFileSync(join(dir, "group1-shard1of1.bin")));
    const modules = { "@reparam/core": core, "@reparam/tfjs": tfjs };
    const { report, output } = await runReadmeExample(
      new URL("../README.md", import.meta.url),
      modules,
      { "web_model/model.json": json, "web_model/group1-shard1of1.bin": shard },
      ["report", "output"],
    );
    expect((report as core.ConversionReport).fused).toHaveLength(7); // the bundled sample's seven blocks
    expect([...(output as core.MemoryOutput).files.keys()].sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
  });
});
