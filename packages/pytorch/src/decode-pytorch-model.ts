import type { ModelInput } from "@reparam/core";
import { stateDictModel } from "@reparam/safetensors";
import { decodeTorchFile } from "./codec/decode-torch-file.js";
import type { PytorchModel } from "./pytorch-model.js";
import { findStateDict } from "./view/find-state-dict.js";
import { tensorByteReader } from "./view/read-tensor-bytes.js";

/**
 * Decodes a `torch.save` file (zip or legacy) and finds its state dict
 * (see `findStateDict`). Reads the structure and the pickle only.
 *
 * @throws ReparamError the codec's and `findStateDict`'s `PYTORCH_*` errors.
 */
export async function decodePytorchModel(input: ModelInput): Promise<PytorchModel> {
  const file = await decodeTorchFile(input.main, input.name);
  const found = findStateDict(file.root, input.name);
  const read = tensorByteReader(input.main, file, input.name);
  const view = stateDictModel({
    name: input.name,
    tensors: [...found.tensors].map(([name, t]) => ({ name, dtype: t.storage.dtype, shape: t.shape })),
    readBytes: (name, start, end) => read(found.tensors.get(name)!, start, end),
    metadata: { format: "pt" },
  });
  return { name: input.name, source: input.main, file, found, view, read };
}
