import type { Draw } from "./draw.js";
import type { ModelFiles } from "./model-files.js";

/**
 * One kind of mutation. `apply` returns the mutated model and a short note
 * of what changed, or undefined when it does not apply to this model (the
 * driver then falls back to a bit flip).
 */
export interface Mutator {
  readonly name: string;
  apply(model: ModelFiles, d: Draw): { model: ModelFiles; note: string } | undefined;
}

/** A file of the model to mutate: the main file half of the time, else any file. */
export function pickFile(model: ModelFiles, d: Draw): string {
  const all = [...model.files.keys()].sort();
  return d.chance(0.5) && model.files.has(model.name) ? model.name : d.pick(all);
}
