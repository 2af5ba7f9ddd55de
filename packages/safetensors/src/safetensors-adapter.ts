import { type FormatAdapter, isReparamError, shapeSize } from "@reparam/core";
import { allInOrder } from "./view/_all-in-order.js";
import { buildCandidate } from "./view/_build-candidate.js";
import { splitRefused } from "./view/_split-refused.js";
import { encodeModel } from "./write/_encode-model.js";
import { resolveOptions, schemeEps } from "./_resolve-options.js";
import { decodeSafetensorsModel } from "./codec/decode-safetensors-model.js";
import { safetensorsFormat } from "./detect-safetensors.js";
import type { SafetensorsConvertOptions } from "./safetensors-convert-options.js";
import type { SafetensorsModel } from "./codec/safetensors-model.js";
import { type SchemeChoice, selectScheme } from "./view/select-scheme.js";
import { safetensorsDeployConv } from "./safetensors-deploy-conv.js";

/**
 * The blocks of the scheme `select` picks; none when no scheme was asked for
 * and none fits (`SAFETENSORS_NO_SCHEME`: a deploy state dict, or a family
 * no built-in scheme knows): the model is then written unchanged, as every
 * format writes a model without blocks, and the CLI says there was nothing
 * to fuse. A scheme asked for by name that matches nothing stays an error.
 */
function noBlocksWhenNoScheme(scheme: unknown, select: () => SchemeChoice): SchemeChoice["blocks"] {
  try {
    return select().blocks;
  } catch (e) {
    if (scheme === undefined && isReparamError(e) && e.code === "SAFETENSORS_NO_SCHEME") return [];
    throw e;
  }
}

/**
 * The state-dict adapter: converts a train-time safetensors checkpoint (one
 * file, or a `*.safetensors.index.json` with its shards) into the deploy
 * state dict of its family, by naming scheme (see `BUILTIN_SCHEMES`,
 * `SafetensorsConvertOptions`).
 *
 * - decode: headers only; tensor bytes are read when needed.
 * - findBlocks: picks the scheme (`selectScheme`), reads each block's
 *   BatchNorms and biases; kernels are read by `load()`.
 * - encode: writes the header from the plans, then every tensor in the
 *   reference writer's order; a fused block's weight and bias are computed
 *   when their turn comes, in float64, rounded once to the dtype. Every
 *   other key is copied byte for byte, `num_batches_tracked` of fused
 *   BatchNorms dropped, `__metadata__` kept; sharded input gives the same
 *   shards out.
 */
export const safetensorsAdapter: FormatAdapter<SafetensorsModel> = {
  ...safetensorsFormat,
  decode(input) {
    return decodeSafetensorsModel(input);
  },
  async findBlocks(model, options: SafetensorsConvertOptions) {
    const resolved = resolveOptions(options);
    const blocks = noBlocksWhenNoScheme(resolved.scheme, () =>
      selectScheme(model.tensors, {
        scheme: resolved.scheme,
        keepPostBn: resolved.keepPostBn,
        strided: resolved.strided,
      }),
    );
    const { fusable, refused } = splitRefused(blocks);
    // Every block's small tensors are read at once: many small reads, in flight together.
    const candidates = await allInOrder(
      fusable.map((match) => buildCandidate(model, match, schemeEps(resolved, match.scheme))),
    );
    return { candidates, refused };
  },
  parameterCount(model) {
    let n = 0;
    for (const t of model.tensors.values()) n += shapeSize(t.shape);
    return n;
  },
  encode(model, decisions, output, options: SafetensorsConvertOptions) {
    return encodeModel(model, decisions, output, resolveOptions(options));
  },
  describe(model) {
    const dtypes = new Map<string, number>();
    for (const t of model.tensors.values()) dtypes.set(t.dtype, (dtypes.get(t.dtype) ?? 0) + 1);
    const format = model.shards[0]?.content.metadata?.format;
    return {
      files: model.index === undefined ? "1 file" : `${model.shards.length} shards`,
      tensors: String(model.tensors.size),
      dtypes: [...dtypes].map(([d, n]) => `${d} x${n}`).join(", "),
      ...(format === undefined ? {} : { format }),
    };
  },
  deployConv: (_original, converted, candidate, plan) => safetensorsDeployConv(converted, candidate, plan),
};
