/// <reference types="node" />
import { readFileSync } from "node:fs";
import { bytesSource, memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { decodeSafetensors, safetensorsAdapter } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { PyDict, type PyValue, TorchStorage, TorchTensor } from "../src/index.js";
import type { TorchDtype } from "../src/codec/torch-dtype.js";
import { archive } from "./_archive.js";
import { convertPth, decodePth } from "./_convert.js";

const cases = (
  JSON.parse(readFileSync(`${fixturesDir}families/manifest.json`, "utf8")) as {
    cases: { name: string; blocks: number; family: string }[];
  }
).cases;

/** A `torch.save` zip of a safetensors file's tensors, in file order, one storage each. */
async function pthOf(bytes: Uint8Array): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const state = new PyDict(true);
  const storages = new Map<string, Uint8Array>();
  for (const [i, t] of file.tensors.entries()) {
    const numel = t.shape.reduce((n, d) => n * d, 1);
    const strides = t.shape.map((_, j) => t.shape.slice(j + 1).reduce((n, d) => n * d, 1));
    const storage = new TorchStorage(String(i), t.dtype as TorchDtype, numel, "cpu");
    state.map.set(t.name, new TorchTensor(storage, 0, [...t.shape], strides, false, false) as PyValue);
    storages.set(String(i), (await file.readTensor(t.name)).slice());
  }
  return archive(state, storages);
}

async function viaSafetensors(bytes: Uint8Array): Promise<Uint8Array> {
  const out = memoryOutput("x.safetensors");
  await reparameterize(safetensorsAdapter, memoryInput("m.safetensors", bytes), out, {});
  return out.files.get("x.safetensors")!;
}

describe("families fixtures as torch.save checkpoints", () => {
  for (const c of cases) {
    it(`${c.name}: converts train and train_f16 .pth to the bytes the safetensors conversion gives, and writes the deploy keys back as .pth`, async () => {
      for (const variant of ["train", "train_f16"]) {
        const train = fixtureBytes(`families/${c.name}.${variant}.safetensors`);
        const pth = await pthOf(train);
        expect((await decodePth(pth)).found.tensors.size).toBe(
          (await decodeSafetensors(bytesSource(train))).tensors.length,
        );
        const { report, bytes } = await convertPth(pth, "x.safetensors");
        expect(report.families).toEqual({ [c.family]: c.blocks });
        expect(Buffer.from(bytes).equals(Buffer.from(await viaSafetensors(train)))).toBe(true);
      }
      // Written back as a .pth: the deploy keys, with their shapes.
      const back = await decodePth(
        (await convertPth(await pthOf(fixtureBytes(`families/${c.name}.train.safetensors`)), "x.pth")).bytes,
      );
      const ref = await decodeSafetensors(bytesSource(fixtureBytes(`families/${c.name}.deploy.safetensors`)));
      const shapes = (m: Iterable<[string, { shape: readonly number[] }]>) =>
        [...m].map(([k, t]) => [k, [...t.shape]]).sort();
      expect(shapes(back.found.tensors)).toEqual(shapes(ref.tensors.map((t) => [t.name, t])));
    });
  }
});
