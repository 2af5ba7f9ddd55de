import type { Mutator } from "./mutator.js";
import { pickleMutators } from "./pickle-mutators.js";
import { torchLegacyMutators } from "./torch-legacy-mutators.js";
import { torchZipMutators } from "./torch-zip-mutators.js";

/**
 * Mutations of `torch.save` files: the zip layout's structure (see
 * `torchZipMutators`), the legacy layout's header and storage records (see
 * `torchLegacyMutators`), and the pickle of either (see `pickleMutators`).
 * Those of the other layout do not apply to a file (a bit flip then).
 */
export const pytorchMutators: readonly Mutator[] = [...torchZipMutators, ...torchLegacyMutators, ...pickleMutators];
