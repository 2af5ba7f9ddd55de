import { ReparamError, type ConvertOptions, type EncodeStats, type FormatAdapter } from "@reparam/core";
import { shardLayout, type ShardWeight } from "./write/_shard-layout.js";
import { streamShards } from "./codec/_stream-shards.js";
import { unknownBlock } from "./write/_unknown-block.js";
import { decodeTfjsModel } from "./codec/decode-tfjs-model.js";
import { tfjsFormat } from "./detect-tfjs.js";
import { checkModelJson, encodeModelJson } from "./codec/encode-model-json.js";
import { findTfjsBlocks, type TfjsCandidate } from "./view/find-tfjs-blocks.js";
import { rewriteTfjsModel } from "./write/rewrite-tfjs-model.js";
import { fusedEncodingNote, settledManifest } from "./write/_settled-manifest.js";
import type { TfjsFusion } from "./write/tfjs-fusion.js";
import { tfjsCanWrite } from "./write/tfjs-can-write.js";
import type { TfjsModel } from "./codec/tfjs-model.js";
import { tfjsDeployConv } from "./tfjs-deploy-conv.js";

const isFloat = (w: ShardWeight): boolean => ("values" in w ? w.values instanceof Float32Array : w.dtype === "float32");

/** Number of float32 parameters (int32 / bool constants such as Pad paddings are not parameters). */
function count(weights: readonly ShardWeight[]): number {
  return weights.filter(isFloat).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** Option `lazyBytes` (float weights of at least this many bytes are read when used): a byte count, else `TFJS_BAD_OPTION`. */
function lazyBytesOption(options: ConvertOptions): number | undefined {
  const v = options.lazyBytes;
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new ReparamError("TFJS_BAD_OPTION", "option lazyBytes must be a byte count", {
      expected: "an integer >= 0",
      found: String(v),
    });
  return v;
}

/**
 * The TF.js format adapter for core's {@link reparameterize}: layers models
 * (Keras config, functional or Sequential) and graph models (GraphDef), read
 * from `model.json` and its shards, written back the same way (one group of
 * 4 MB shards `group1-shardKofN.bin`, as the Python converter writes them),
 * model.json last. The new topology, manifest and model.json are made (and
 * checked) before anything is written; then the shards stream out, each
 * fused block computed when its weights' turn comes, so that only one block's
 * kernels are in memory besides the model. A failure after that leaves
 * shards without model.json, which the host discards (core's `ModelOutput`
 * appears as a whole or not at all).
 * Option `dtype`: `keep` (default) stores each fused weight in the encoding
 * of the weights its block read (float32, float16-quantized, or uint8/uint16
 * re-quantized on a fresh range, listed in the report's `requantized`);
 * `f16` float16-quantized float32; `f32` float32.
 */
export const tfjsAdapter: FormatAdapter<TfjsModel> = {
  ...tfjsFormat,
  decode: (input, options) => decodeTfjsModel(input, lazyBytesOption(options)),
  findBlocks: (model, options) => findTfjsBlocks(model, options),
  parameterCount: (model) => count(model.weights),
  canWrite: (_model, candidate, plan) => tfjsCanWrite(candidate, plan),
  async encode(model, decisions, output, options): Promise<EncodeStats> {
    const fusions: TfjsFusion[] = [];
    for (const d of decisions) {
      if (d.kind !== "fuse") continue;
      const candidate = d.candidate as Partial<TfjsCandidate>;
      if (candidate.site === undefined)
        throw unknownBlock(d.candidate, "a candidate without a TF.js site (not from tfjsAdapter.findBlocks)");
      fusions.push({
        candidate: candidate as TfjsCandidate,
        plan: d.plan,
        load: () => d.load(),
        loadHwio: d.loadHwio,
        fuse: (b, t) => d.fuse(b, t),
      });
    }
    const dtype = options.dtype === "f16" || options.dtype === "f32" ? options.dtype : "keep";
    const { json, weights } = rewriteTfjsModel(model, fusions, { dtype });
    const layout = shardLayout(weights);
    // Checked before anything is written; encoded again once the fused weights' grids are known.
    checkModelJson({ ...json, weightsManifest: layout.manifest });
    let bytesWritten = await streamShards(weights, layout, output);
    const { manifest, requantized } = settledManifest(layout, weights);
    const modelJson = encodeModelJson({ ...json, weightsManifest: manifest });
    const sink = await output.create(output.name);
    await sink.write(modelJson);
    await sink.close();
    bytesWritten += modelJson.byteLength;
    const shards = layout.manifest[0]!.paths.length;
    const notes = [
      `${model.format}: ${fusions.length} block(s) fused; ${weights.length} weights in ${shards} shard(s); fused weights ${fusedEncodingNote(weights)}`,
    ];
    return { parametersAfter: count(weights), bytesWritten, notes, ...(requantized.length > 0 ? { requantized } : {}) };
  },
  describe(model) {
    const quantized = model.weights.filter((w) => w.quantization !== undefined).length;
    return {
      format: model.format,
      ...(typeof model.json.generatedBy === "string" ? { generatedBy: model.json.generatedBy } : {}),
      ...(typeof model.json.convertedBy === "string" ? { convertedBy: model.json.convertedBy } : {}),
      weights: `${model.weights.length} (${quantized} quantized)`,
      shards: String((model.json.weightsManifest ?? []).reduce((n, g) => n + g.paths.length, 0)),
    };
  },
  deployConv: (original, converted, candidate) => tfjsDeployConv(original, converted, candidate),
};
