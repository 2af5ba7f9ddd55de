import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodeModel } from "@reparam/onnx";
import { decodeWeights, memoryFiles, type TfjsModelJson } from "@reparam/tfjs";

/**
 * The stored bytes of every tensor of a model by name, as they are in the
 * file (quantized bytes as quantized): ONNX initializers' `raw_data`, a TF.js
 * model's weights from the shards its manifest names.
 */
export function storedTensors(main: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (main.endsWith(".onnx")) {
    const model = decodeModel(readFileSync(main));
    for (const t of model.graph?.initializer ?? []) out.set(t.name, Buffer.from(t.rawData));
    return out;
  }
  return out;
}

/** {@link storedTensors} of a TF.js model (async: its shards are read through the codec). */
export async function storedTfjsTensors(main: string): Promise<Map<string, Buffer>> {
  const json = JSON.parse(readFileSync(main, "utf8")) as TfjsModelJson;
  const manifest = json.weightsManifest ?? [];
  const files = new Map(
    manifest.flatMap((g) => g.paths).map((p) => [p, readFileSync(join(dirname(main), p))] as const),
  );
  const weights = await decodeWeights(manifest, memoryFiles(files), Infinity);
  return new Map(weights.map((w) => [w.name, Buffer.from(w.bytes)] as const));
}
