import { memoryOutput, reparameterize } from "@reparam/core";
import { encodeModel, onnxAdapter } from "@reparam/onnx";
import { pytorchAdapter } from "@reparam/pytorch";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type ModelFiles, fuzzInput, mainBytes, seedCorpus } from "../src/index.js";
import { concat } from "../src/protobuf-scan.js";

let corpus: ModelFiles[] = [];
beforeAll(async () => {
  corpus = await seedCorpus();
});

/** Converts with every block excluded: nothing is fused, everything must pass through. */
async function passThrough(m: ModelFiles): Promise<Map<string, Uint8Array>> {
  const adapter = { onnx: onnxAdapter, safetensors: safetensorsAdapter, tfjs: tfjsAdapter, pytorch: pytorchAdapter }[
    m.format
  ];
  const output = memoryOutput(m.name);
  const report = await reparameterize(adapter as typeof onnxAdapter, fuzzInput(m), output, { exclude: ["*"] });
  expect(report.fused).toEqual([]);
  return output.files;
}

/** An ONNX model with every tensor loaded into the protobuf (where each lies, inside or in which side file, aside). */
async function internalized(files: ReadonlyMap<string, Uint8Array>, name: string): Promise<Uint8Array> {
  const model = await onnxAdapter.decode(fuzzInput({ format: "onnx", label: "", name, files }), {});
  return encodeModel((model as unknown as { proto: Parameters<typeof encodeModel>[0] }).proto);
}

/** A PyTorch checkpoint's state dict written as safetensors, nothing fused: its tensors' names, dtypes, shapes and bytes. */
async function stateDict(files: ReadonlyMap<string, Uint8Array>, name: string): Promise<Uint8Array> {
  const output = memoryOutput("model.safetensors");
  const input = fuzzInput({ format: "pytorch", label: "", name, files });
  await reparameterize(pytorchAdapter, input, output, { exclude: ["*"] });
  return output.files.get("model.safetensors")!;
}

/** A TF.js model's weight bytes, shards concatenated in manifest order. */
function tfjsWeights(files: ReadonlyMap<string, Uint8Array>, main: string): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(files.get(main))) as { weightsManifest: { paths: string[] }[] };
  return concat(...json.weightsManifest.flatMap((g) => g.paths.map((p) => files.get(p)!)));
}

const labels = () => corpus.map((m) => m.label);

describe("a conversion with nothing fused", () => {
  it("keeps every tensor, attribute, metadata entry and unknown field bit for bit over the seed corpus (generated models and conformance files of every format)", async () => {
    expect(labels().length).toBeGreaterThan(10);
    for (const m of corpus) {
      const out = await passThrough(m);
      if (m.format === "tfjs") {
        // Equivalent: the same model.json (re-serialized) and the same weight bytes (shards may be cut elsewhere).
        const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as { weightsManifest: unknown[] };
        const [a, b] = [json(mainBytes(m)), json(out.get(m.name)!)];
        expect({ ...b, weightsManifest: undefined }, m.label).toEqual({ ...a, weightsManifest: undefined });
        expect(tfjsWeights(out, m.name), m.label).toEqual(tfjsWeights(m.files, m.name));
      } else if (m.format === "pytorch") {
        // Always written as a new zip archive (a legacy file or a whole pickled model too): the same state dict.
        expect(await stateDict(out, m.name), m.label).toEqual(await stateDict(m.files, m.name));
      } else if (m.label.includes("external")) {
        // The writer picks which tensors go to its side file (its own size threshold) and names it after the output.
        expect(await internalized(out, m.name), m.label).toEqual(await internalized(m.files, m.name));
      } else {
        // Byte for byte, every file (a sharded state dict keeps its shards).
        expect([...out.values()].map((b) => b.length).sort(), m.label).toEqual(
          [...m.files.values()].map((b) => b.length).sort(),
        );
        for (const [name, bytes] of out) expect(bytes, `${m.label}: ${name}`).toEqual(m.files.get(name));
      }
    }
  });
});
