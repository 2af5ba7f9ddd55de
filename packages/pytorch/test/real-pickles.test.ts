/// <reference types="node" />
import { readFileSync } from "node:fs";
import { bytesSource } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { type PyDict, type PyInstance, pytorchAdapter } from "../src/index.js";
import { convertPth, decodePth } from "./_convert.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));

function ulp32(a: number, b: number): number {
  const u = new Uint32Array(new Float32Array([a, b]).buffer);
  const o = (x: number) => ((x & 0x80000000) !== 0 ? -(x & 0x7fffffff) : x);
  return Math.abs(o(u[0]!) - o(u[1]!));
}

/** Converts `file` to safetensors and compares with deploy.pth (fused by torch in float64): keys, shapes, values within 1 ulp. */
async function checkAgainstReference(file: string, prefix = ""): Promise<readonly string[]> {
  const { report, bytes } = await convertPth(fixture(file), "x.safetensors");
  expect(report.fused).toHaveLength(3);
  const out = await decodeSafetensors(bytesSource(bytes));
  const ref = await decodePth(fixture("deploy.pth"));
  expect(out.tensors.map((t) => t.name).sort()).toEqual([...ref.found.tensors.keys()].map((k) => prefix + k).sort());
  for (const [name, info] of ref.view.tensors) {
    const a = await out.readTensor(prefix + name);
    const b = await ref.view.read(name);
    expect(out.tensor(prefix + name)?.shape).toEqual(info.shape);
    if (info.dtype !== "F32") {
      expect(a).toEqual(b);
      continue;
    }
    const x = new Float32Array(a.slice().buffer);
    const y = new Float32Array(b.slice().buffer);
    for (let i = 0; i < y.length; i++) expect(ulp32(x[i]!, y[i]!)).toBeLessThanOrEqual(1);
  }
  return report.notes ?? [];
}

// Written by torch 1.13 (make_fixtures.py): real pickles of modules, optimizers, parameters, a Namespace.
describe("torch.save files written by torch itself", () => {
  it("converts a full model ({'model': <TinyRepVGG>}) to the deploy state dict torch fuses", async () => {
    const model = await decodePth(fixture("full_model.pt"));
    expect(pytorchAdapter.describe!(model).content).toBe(
      "full model __main__.TinyRepVGG under 'model' (tensors gathered from its modules)",
    );
    expect(model.found.tensors.has("scratch")).toBe(false); // non-persistent buffer
    expect(await checkAgainstReference("full_model.pt")).toContain(
      "full model: written as its deploy state dict; the model object itself is not rewritten",
    );
  });

  it("converts a full model saved in the legacy layout", async () => {
    const model = await decodePth(fixture("full_model_legacy.pt"));
    expect(model.file.layout).toBe("legacy");
    expect(model.found.layout.kind).toBe("full-model");
    await checkAgainstReference("full_model_legacy.pt");
  });

  it("converts a training checkpoint with a real SGD state and keeps it, with the Namespace", async () => {
    await checkAgainstReference("ckpt_sgd.pth");
    const back = await decodePth((await convertPth(fixture("ckpt_sgd.pth"), "x.pth")).bytes);
    const root = back.file.root as PyDict;
    expect([...root.map.keys()]).toEqual(["model_state_dict", "optimizer_state_dict", "epoch", "args"]);
    const optimizer = root.map.get("optimizer_state_dict") as PyDict;
    expect((optimizer.map.get("state") as PyDict).map.size).toBeGreaterThan(0);
    expect((root.map.get("args") as PyInstance).cls.qualified).toBe("argparse.Namespace");
  });

  it("converts a DataParallel state dict of nn.Parameters, module. kept", async () => {
    const model = await decodePth(fixture("ddp_parameters.pth"));
    expect(pytorchAdapter.describe!(model).prefix).toBe("module. (DataParallel)");
    expect([...model.found.tensors.values()].some((t) => t.parameter)).toBe(true);
    await checkAgainstReference("ddp_parameters.pth", "module.");
  });
});
