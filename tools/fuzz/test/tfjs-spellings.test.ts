import { type GraphDefJson, type KerasLayerJson, decodeModelJson, kerasModel } from "@reparam/tfjs";
import { describe, expect, it } from "vitest";
import { runCase } from "../src/run-case.js";
import type { ModelFiles } from "../src/spelling.js";
import { tfjsSpellings } from "../src/tfjs/index.js";
import { EDGE_SPECS, GROUPED_SPEC, HAND_SPECS } from "./tfjs-specs.js";

const byName = (name: string) => tfjsSpellings.find((s) => s.name === name)!;

/** The layer classes or ops of a TF.js model, each once. */
function opsOf(model: ModelFiles): string[] {
  const json = decodeModelJson(model.files.get(model.main)!);
  const ops =
    json.format === "graph-model"
      ? (json.modelTopology as GraphDefJson).node!.map((n) => n.op)
      : (kerasModel(json.modelTopology).config.layers as readonly KerasLayerJson[]).map((l) => l.class_name);
  return [...new Set(ops)];
}

describe("tfjsSpellings", () => {
  it("gives every spelling a unique name, all of format tfjs", () => {
    const names = tfjsSpellings.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(tfjsSpellings.every((s) => s.format === "tfjs")).toBe(true);
  });

  it("writes every hand-made block in most of its spellings (the checks below are not all skips)", () => {
    for (const spec of Object.values({ ...HAND_SPECS, ...EDGE_SPECS }))
      expect(tfjsSpellings.filter((s) => s.accepts(spec) === true).length).toBeGreaterThanOrEqual(8);
  });

  describe.each(Object.entries({ ...HAND_SPECS, ...EDGE_SPECS }))("%s", (_, spec) => {
    // runCase: the original within 16 u M of the float64 reference of `stored`, one block fused into one conv, the converted one within it too.
    it.each(tfjsSpellings.map((s) => [s.name, s] as const))(
      "%s: matches the float64 reference, original and converted",
      async (_n, spelling) => {
        const ok = spelling.accepts(spec);
        if (ok !== true) {
          expect(ok).toMatch(/\w/);
          return;
        }
        expect(await runCase(spelling, spec)).toEqual({ kind: "fused" });
      },
    );
  });

  it("writes the QARepVGG widening stride-2 post-BN as Mul + AddV2 (the NaN of #17)", async () => {
    const spec = HAND_SPECS["qarepvgg 3->13 stride 2 even 8x8"]!;
    for (const name of ["tfjs-graph/fused-conv-mul-add", "tfjs-graph/conv-mul-add", "tfjs-graph/fused-conv-uint8"]) {
      expect(byName(name).accepts(spec)).toBe(true);
      const model = await byName(name).write(spec);
      const ops = opsOf(model);
      expect(ops).toEqual(expect.arrayContaining(["Mul", "AddV2"]));
      expect(ops).not.toContain("FusedBatchNormV3");
      expect(model.stored.postBn!.gamma).toHaveLength(13);
    }
  });

  it("covers every op and padding its spellings promise", async () => {
    const seen = new Set<string>();
    for (const spelling of tfjsSpellings)
      for (const spec of Object.values(HAND_SPECS)) {
        if (spelling.accepts(spec) !== true) continue;
        const model = await spelling.write(spec);
        for (const op of opsOf(model)) seen.add(op);
        const text = new TextDecoder().decode(model.files.get("model.json"));
        for (const p of ["SAME", "VALID", "EXPLICIT"]) if (text.includes(`"${btoa(p)}"`)) seen.add(p);
        for (const p of ['"same"', '"valid"']) if (text.includes(`"padding":${p}`)) seen.add(p);
      }
    const want = [
      "Conv2D",
      "DepthwiseConv2D",
      "BatchNormalization",
      "ZeroPadding2D",
      "AveragePooling2D",
      "Add",
      "Activation",
      '"same"',
      '"valid"',
    ];
    want.push(
      "_FusedConv2D",
      "FusedDepthwiseConv2dNative",
      "DepthwiseConv2dNative",
      "FusedBatchNormV3",
      "Mul",
      "AddV2",
      "BiasAdd",
      "Pad",
      "AvgPool",
      "Relu",
    );
    expect([...seen]).toEqual(expect.arrayContaining([...want, "SAME", "VALID", "EXPLICIT"]));
  });

  it("stores quantized weights dequantized, and shards small", async () => {
    const spec = HAND_SPECS["acnet 3->5 6x7"]!;
    const square = (s: typeof spec) =>
      s.branches[0]!.kind === "conv" ? s.branches[0]!.kernel.data : new Float64Array();
    for (const [name, dtype, levels] of [
      ["uint8", "uint8", 256],
      ["uint16", "uint16", 65536],
      ["float16", "float16", Infinity],
    ] as const) {
      const model = await byName(`tfjs-layers/${name}`).write(spec);
      const manifest = decodeModelJson(model.files.get("model.json")!).weightsManifest!;
      expect(manifest[0]!.weights.every((w) => w.quantization?.dtype === dtype)).toBe(true);
      const stored = square(model.stored);
      expect(stored).not.toEqual(square(spec));
      expect(new Set(stored).size).toBeLessThanOrEqual(levels);
    }
    const sharded = await byName("tfjs-layers/sharded").write(spec);
    const paths = decodeModelJson(sharded.files.get("model.json")!).weightsManifest![0]!.paths;
    expect(paths.length).toBeGreaterThanOrEqual(5);
    expect(sharded.files.get(paths[0]!)!.byteLength % 2).toBe(1);
  });

  it("shares one padding between the branches that pad alike", async () => {
    const spec = HAND_SPECS["mobileone depthwise 6 three convs + skip"]!;
    const pads = async (name: string, op: string) => {
      const model = await byName(name).write(spec);
      const text = new TextDecoder().decode(model.files.get("model.json"));
      return text.split(`"${op}"`).length - 1;
    };
    expect(await pads("tfjs-layers/zero-pad", "ZeroPadding2D")).toBe(2);
    expect(await pads("tfjs-layers/shared-zero-pad", "ZeroPadding2D")).toBe(1);
    expect(await pads("tfjs-graph/fused-conv-mul-add", "Pad")).toBe(2);
    expect(await pads("tfjs-graph/shared-pad", "Pad")).toBe(1);
  });

  it("says why it cannot write a grouped block, or 'same' pads that TF's SAME does not give", () => {
    for (const s of tfjsSpellings) expect(s.accepts(GROUPED_SPEC)).toMatch(/grouped/);
    const torchEven = HAND_SPECS["repvgg 4->8 stride 2 even 8x8"]!;
    expect(byName("tfjs-layers/same").accepts(torchEven)).toMatch(/'same' pads \[0, 0, 1, 1\].*\[1, 1, 1, 1\]/);
    expect(byName("tfjs-graph/fused-conv-same").accepts(torchEven)).toMatch(/SAME pads/);
    expect(byName("tfjs-layers/zero-pad").accepts(torchEven)).toBe(true);
    expect(byName("tfjs-graph/fused-conv").accepts(HAND_SPECS["conv-bn 3->6 5x5"]!)).toMatch(/nothing to convert/);
  });
});
