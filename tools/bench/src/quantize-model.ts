// CLI: tsx tools/bench/src/quantize-model.ts IN_FOLDER OUT_FOLDER uint8|uint16|float16
// A float32 TF.js model (model.json + shards) with every float weight stored
// as tensorflowjs_converter's --quantize_<dtype> stores it (tools/models'
// quantizeTfjsModel), 4 MiB shards: the small real-model benchmarks (#22).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { quantizeTfjsModel, type TfjsQuantization } from "../../models/src/encodings/quantize-tfjs-model.js";

const [input, output, dtype] = process.argv.slice(2);
if (input === undefined || output === undefined || !["uint8", "uint16", "float16"].includes(dtype ?? "")) {
  console.error("usage: quantize-model IN_FOLDER OUT_FOLDER uint8|uint16|float16");
  process.exit(2);
}
const files = new Map(readdirSync(input).map((f) => [f, new Uint8Array(readFileSync(join(input, f)))] as const));
const quantized = await quantizeTfjsModel(files, dtype as TfjsQuantization);
mkdirSync(output, { recursive: true });
for (const [path, bytes] of quantized) writeFileSync(join(output, path), bytes);
