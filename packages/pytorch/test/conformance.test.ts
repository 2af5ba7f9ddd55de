/// <reference types="node" />
import { readFileSync } from "node:fs";
import { bytesSource, memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { decodeSafetensors, safetensorsAdapter } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { type PyDict, TorchTensor, pytorchAdapter } from "../src/index.js";
import { convertPth, decodePth } from "./_convert.js";

// The fixtures' README: repvgg_se_eps was trained with BatchNorm eps 1e-3, the others with PyTorch's 1e-5.
const epsOf = (name: string) => (name === "repvgg_se_eps" ? 1e-3 : 1e-5);
const manifest = JSON.parse(readFileSync(`${fixturesDir}pth/manifest.json`, "utf8")) as {
  cases: { name: string; pth: Record<string, string> }[];
};

function ulp32(a: number, b: number): number {
  const u = new Uint32Array(new Float32Array([a, b]).buffer);
  const o = (x: number) => ((x & 0x80000000) !== 0 ? -(x & 0x7fffffff) : x);
  return Math.abs(o(u[0]!) - o(u[1]!));
}

/** The safetensors package's conversion of the same case's safetensors file (what a .pth must match byte for byte). */
async function viaSafetensors(file: string, eps: number): Promise<Uint8Array> {
  const out = memoryOutput("x.safetensors");
  await reparameterize(safetensorsAdapter, memoryInput("m.safetensors", fixtureBytes(file)), out, { eps });
  return out.files.get("x.safetensors")!;
}

describe("conformance: torch.save fixtures -> deploy", () => {
  it("covers every public case in four layouts", () => {
    expect(manifest.cases.map((c) => c.name).sort()).toEqual(
      conformanceCases()
        .map((c) => c.name)
        .sort(),
    );
  });

  for (const c of conformanceCases()) {
    const files = manifest.cases.find((m) => m.name === c.name)!.pth;
    for (const variant of ["train", "train_legacy", "train_ckpt"] as const) {
      it(`${c.name} ${variant}: gives the reference keys, dtypes, shapes; values within 1 ulp; same bytes as from safetensors`, async () => {
        const { report, bytes } = await convertPth(fixtureBytes(`pth/${files[variant]}`), "x.safetensors", {
          eps: epsOf(c.name),
        });
        expect(report.fused.length).toBe(c.blocks);
        const out = await decodeSafetensors(bytesSource(bytes));
        const ref = await decodeSafetensors(bytesSource(fixtureBytes(c.safetensors.deploy)));
        expect(out.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(
          ref.tensors.map((t) => [t.name, t.dtype, t.shape]),
        );
        let worst = 0;
        for (const t of ref.tensors) {
          const a = new Float32Array((await out.readTensor(t.name)).slice().buffer);
          const b = new Float32Array((await ref.readTensor(t.name)).slice().buffer);
          for (let i = 0; i < b.length; i++) worst = Math.max(worst, ulp32(a[i]!, b[i]!));
        }
        console.log(`${c.name} ${variant}: max ${worst} ulp from the reference`);
        expect(worst).toBeLessThanOrEqual(1);
        expect(Buffer.from(bytes).equals(Buffer.from(await viaSafetensors(c.safetensors.train, epsOf(c.name))))).toBe(
          true,
        );
      });
    }

    it(`${c.name} train_f16: writes the same bytes as converting train_f16.safetensors (judged there against the reference)`, async () => {
      const { bytes } = await convertPth(fixtureBytes(`pth/${files.train_f16}`), "x.safetensors", {
        eps: epsOf(c.name),
      });
      const out = await decodeSafetensors(bytesSource(bytes));
      expect(new Set(out.tensors.map((t) => t.dtype))).toEqual(new Set(["F16"]));
      expect(Buffer.from(bytes).equals(Buffer.from(await viaSafetensors(c.safetensors.train_f16, epsOf(c.name))))).toBe(
        true,
      );
    });

    it(`${c.name}: writes a .pth that reads back with the same state dict; a checkpoint keeps its other entries`, async () => {
      for (const variant of ["train", "train_legacy", "train_ckpt", "train_f16"] as const) {
        const input = fixtureBytes(`pth/${files[variant]}`);
        const { bytes } = await convertPth(input, "x.pth", { eps: epsOf(c.name) });
        const st = await decodeSafetensors(
          bytesSource((await convertPth(input, "x.safetensors", { eps: epsOf(c.name) })).bytes),
        );
        const back = await decodePth(bytes, "x.pth");
        expect(back.file.layout).toBe("zip");
        expect(back.found.layout.kind).toBe(variant === "train_ckpt" ? "checkpoint" : "state-dict");
        expect([...back.found.tensors.keys()].sort()).toEqual(st.tensors.map((t) => t.name).sort());
        for (const t of st.tensors) {
          expect(back.view.tensors.get(t.name)?.dtype).toBe(t.dtype);
          expect(Buffer.from(await back.view.read(t.name)).equals(Buffer.from(await st.readTensor(t.name)))).toBe(true);
        }
        if (variant === "train_ckpt") {
          const root = back.file.root as PyDict;
          expect([...root.map.keys()]).toEqual(["state_dict", "epoch", "optimizer", "best_acc"]);
          expect(root.map.get("epoch")).toBe(3n);
          expect(root.map.get("optimizer")).toBe(null);
          expect(root.map.get("best_acc")).toBe(0.5);
        }
        // Already in deploy form: a second conversion finds nothing to fuse.
        expect(pytorchAdapter.describe!(back).content).toMatch(
          variant === "train_ckpt" ? /training checkpoint/ : /^state dict$/,
        );
        expect([...back.found.tensors.values()].every((t) => t instanceof TorchTensor)).toBe(true);
      }
    });
  }
});
