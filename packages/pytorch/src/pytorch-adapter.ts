import type { FormatAdapter } from "@reparam/core";
import { safetensorsAdapter } from "@reparam/safetensors";
import { decodePytorchModel } from "./decode-pytorch-model.js";
import { pytorchFormat } from "./detect-pytorch.js";
import type { PytorchModel } from "./pytorch-model.js";
import { layoutText } from "./view/checkpoint-layout.js";
import { encodePth } from "./write/encode-pth.js";

/**
 * The PyTorch checkpoint adapter: reads `torch.save` files (zip archive or
 * legacy layout) without Python and without executing the pickle (a
 * restricted VM, allow-list modelled on `torch.load(weights_only=True)`),
 * finds the state dict (bare, in a training checkpoint, or gathered from a
 * pickled model), and converts it with the naming schemes of
 * `@reparam/safetensors`, whose block finding and writer it shares.
 *
 * - decode: the archive's directory and pickle; tensors are read by offset when needed.
 * - findBlocks: the safetensors adapter's, on the state dict.
 * - encode: a `.safetensors` output name gives a safetensors state dict;
 *   anything else a `torch.save` zip archive (training checkpoints keep
 *   their other entries; a full model becomes its deploy state dict).
 */
export const pytorchAdapter: FormatAdapter<PytorchModel> = {
  ...pytorchFormat,
  decode: (input) => decodePytorchModel(input),
  findBlocks: (model, options) => safetensorsAdapter.findBlocks(model.view, options),
  parameterCount: (model) => safetensorsAdapter.parameterCount(model.view),
  async encode(model, decisions, output, options) {
    if (!output.name.endsWith(".safetensors")) return encodePth(model, decisions, output, options);
    const stats = await safetensorsAdapter.encode(model.view, decisions, output, options);
    const { layout } = model.found;
    const note =
      layout.kind === "full-model"
        ? "full model: written as its deploy state dict; the model object itself is not rewritten"
        : layout.kind === "checkpoint" && layout.others.length > 0
          ? `training checkpoint: only the state dict is written (safetensors holds tensors only; ${layout.others.join(", ")} left out: write a .pth to keep them)`
          : undefined;
    return note === undefined ? stats : { ...stats, notes: [...(stats.notes ?? []), note] };
  },
  describe(model) {
    const keys = [...model.found.tensors.keys()];
    const ddp = keys.length > 0 && keys.every((k) => k.startsWith("module."));
    const { tensors, dtypes } = safetensorsAdapter.describe!(model.view);
    const archive = model.file.details.archive;
    return {
      file: model.file.layout === "zip" ? `zip archive (${archive}/)` : "legacy (non-zip) torch.save",
      content: layoutText(model.found.layout),
      ...(tensors === undefined ? {} : { tensors }),
      ...(dtypes === undefined ? {} : { dtypes }),
      ...(ddp ? { prefix: "module. (DataParallel)" } : {}),
    };
  },
  deployConv: (original, converted, candidate, plan) =>
    safetensorsAdapter.deployConv!(original.view, converted.view, candidate, plan),
};
