// `reparam verify` on a real converted file with one fused weight changed by 1e-3 of its tensor's
// max|w|: exit 3, and exactly the block that owns the weight is reported failed (every format).
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeModel, encodeModel } from "@reparam/onnx";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../../../tools/conformance/src/index.js";
import { reparam, tempDir } from "./run-cli.js";

const F = fixturesDir;

/** Adds 1e-3 * max|w| to element `at` of the float32 little-endian values in `bytes` (in place). */
function nudge(bytes: Uint8Array, at: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let max = 0;
  for (let i = 0; i < bytes.byteLength / 4; i++) max = Math.max(max, Math.abs(view.getFloat32(i * 4, true)));
  view.setFloat32(at * 4, view.getFloat32(at * 4, true) + 1e-3 * max, true);
}

/** The names of the blocks `verify`'s text reports as failed. */
const failedBlocks = (stdout: string) => [...stdout.matchAll(/^\s+failed\s+(\S+)/gm)].map((m) => m[1]);

function expectOneFailed(original: string, converted: string, block: RegExp): void {
  const r = reparam("verify", original, converted, "--backend", "cpu");
  expect(r.code, r.stdout + r.stderr).toBe(3);
  const failed = failedBlocks(r.stdout);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatch(block);
}

describe("verify on a real file with a changed weight", () => {
  it("names the block of the changed weight in onnx", () => {
    const dir = tempDir();
    copyFileSync(`${F}repvgg_se_eps.train.onnx`, join(dir, "m.onnx"));
    expect(reparam("convert", join(dir, "m.onnx")).code).toBe(0);
    const model = decodeModel(new Uint8Array(readFileSync(join(dir, "m.deploy.onnx"))));
    // The third fused kernel: a block in the middle of the network, behind near-zero variances.
    const w = model.graph!.initializer.find((t) => t.name === "blocks.2.rbr_reparam.weight")!;
    const raw = new Uint8Array(w.rawData);
    nudge(raw, 5);
    w.rawData = raw;
    writeFileSync(join(dir, "bad.onnx"), encodeModel(model));
    expectOneFailed(join(dir, "m.onnx"), join(dir, "bad.onnx"), /^\/blocks\.2$/);
  });

  it("names the block of the changed weight in safetensors", () => {
    const dir = tempDir();
    expect(reparam("convert", `${F}timm_repvgg.train.safetensors`, "-o", join(dir, "d.safetensors")).code).toBe(0);
    const bytes = new Uint8Array(readFileSync(join(dir, "d.safetensors")));
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      { data_offsets: [number, number] }
    >;
    const key = Object.keys(header)
      .filter((k) => k.endsWith("reparam_conv.weight"))
      .sort()[1]!;
    const [begin, end] = header[key]!.data_offsets;
    nudge(bytes.subarray(8 + n + begin, 8 + n + end), 7);
    writeFileSync(join(dir, "bad.safetensors"), bytes);
    const r = reparam("verify", `${F}timm_repvgg.train.safetensors`, join(dir, "bad.safetensors"), "--backend", "cpu");
    expect(r.code).toBe(3);
    expect(failedBlocks(r.stdout)).toEqual([key.replace(/\.?reparam_conv\.weight$/, "")]);
  });

  it("names the block of the changed weight in tfjs layers and graph", () => {
    for (const variant of ["layers", "graph"]) {
      const dir = tempDir();
      cpSync(`${F}tfjs/qarepvgg/${variant}`, join(dir, "web"), { recursive: true });
      expect(reparam("convert", join(dir, "web")).code).toBe(0);
      const out = join(dir, "web.deploy");
      const json = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as {
        weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[] }> }>;
      };
      const [group] = json.weightsManifest;
      expect(group!.paths).toHaveLength(1);
      let offset = 0;
      let target: { name: string; offset: number; bytes: number } | undefined;
      for (const w of group!.weights) {
        const bytes = w.shape.reduce((a, b) => a * b, 1) * 4;
        if (target === undefined && /reparam_conv\/kernel$/.test(w.name) && offset > 0)
          target = { name: w.name, offset, bytes };
        offset += bytes;
      }
      const shard = join(out, group!.paths[0]!);
      const data = new Uint8Array(readFileSync(shard));
      nudge(data.subarray(target!.offset, target!.offset + target!.bytes), 3);
      writeFileSync(shard, data);
      expectOneFailed(
        join(dir, "web"),
        out,
        new RegExp(`^${target!.name.replace(/[_/]reparam_conv\/kernel$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
      );
    }
  });
});
