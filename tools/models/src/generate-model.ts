import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { Arch } from "./arch/arch.js";
import { emitOnnx } from "./emit/emit-onnx.js";
import { emitSafetensors } from "./emit/emit-safetensors.js";
import { emitTfjsGraph } from "./emit/emit-tfjs-graph.js";
import { emitTfjsLayers } from "./emit/emit-tfjs-layers.js";
import { fileSink } from "./emit/file-sink.js";
import type { TfjsPadding } from "./emit/tfjs-layers-graph.js";
import { deployArch } from "./arch/deploy-arch.js";

/** Output formats of {@link generateModel} (and the CLI's `--format`). */
export const MODEL_FORMATS = [
  "onnx",
  "onnx-folded",
  "onnx-deploy",
  "safetensors",
  "safetensors-deploy",
  "tfjs-layers",
  "tfjs-layers-deploy",
  "tfjs-graph",
  "tfjs-graph-deploy",
] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** Options of {@link generateModel}. */
export interface GenerateOptions {
  readonly format: ModelFormat;
  /** A file (ONNX, safetensors) or a folder (TF.js: `model.json` and shards). */
  readonly out: string;
  readonly seed: number;
  readonly inputSize?: number;
  readonly dynamicBatch?: boolean;
  readonly tfjsPadding?: TfjsPadding;
}

/**
 * Writes `arch` in `format` to `out` (Node), streaming: a file is written to
 * `<out>.partial` and renamed when complete. Returns the bytes written.
 */
export async function generateModel(arch: Arch, o: GenerateOptions): Promise<number> {
  const size = o.inputSize === undefined ? {} : { inputSize: o.inputSize };
  if (o.format.startsWith("tfjs-")) {
    await mkdir(o.out, { recursive: true });
    let total = 0;
    const open = async (path: string) => {
      const sink = await fileSink(join(o.out, path));
      return { write: sink.write, close: async () => (total += await sink.close()) };
    };
    if (o.format === "tfjs-graph" || o.format === "tfjs-graph-deploy") {
      await emitTfjsGraph(arch, { seed: o.seed, form: o.format === "tfjs-graph" ? "train" : "deploy", ...size }, open);
      return total;
    }
    const form = o.format === "tfjs-layers" ? "train" : "deploy";
    await emitTfjsLayers(
      arch,
      { seed: o.seed, form, ...size, ...(o.tfjsPadding === undefined ? {} : { padding: o.tfjsPadding }) },
      open,
    );
    return total;
  }
  const partial = `${o.out}.partial`;
  const sink = await fileSink(partial);
  let bytes: number;
  try {
    if (o.format === "safetensors") await emitSafetensors(arch, { seed: o.seed }, sink);
    else if (o.format === "safetensors-deploy") await emitSafetensors(deployArch(arch), { seed: o.seed }, sink);
    else {
      const variant = o.format === "onnx" ? "train" : o.format === "onnx-folded" ? "folded" : "deploy";
      await emitOnnx(arch, { seed: o.seed, variant, ...size, dynamicBatch: o.dynamicBatch === true }, sink);
    }
  } finally {
    bytes = await sink.close();
  }
  await rename(partial, o.out);
  return bytes;
}
