import type { Mutator } from "./mutator.js";
import { sideFiles, withFile } from "./model-files.js";

/** Mutations of the set of files beside the main one: shards removed, duplicated, swapped, renamed, cut. */
export const fileSetMutators: readonly Mutator[] = [
  {
    name: "remove-side-file",
    apply(model, d) {
      const side = sideFiles(model);
      if (side.length === 0) return undefined;
      const path = d.pick(side);
      return { model: withFile(model, path, undefined), note: `${path} removed` };
    },
  },
  {
    name: "duplicate-side-file",
    apply(model, d) {
      const side = sideFiles(model);
      if (side.length < 2) return undefined;
      const [a, b] = [d.pick(side), d.pick(side)];
      return { model: withFile(model, b, model.files.get(a)), note: `${b} := ${a}` };
    },
  },
  {
    name: "swap-side-files",
    apply(model, d) {
      const side = sideFiles(model);
      if (side.length < 2) return undefined;
      const a = d.pick(side);
      const b = d.pick(side.filter((x) => x !== a));
      const swapped = withFile(withFile(model, a, model.files.get(b)), b, model.files.get(a));
      return { model: swapped, note: `${a} <-> ${b}` };
    },
  },
  {
    name: "rename-side-file",
    apply(model, d) {
      const side = sideFiles(model);
      if (side.length === 0) return undefined;
      const path = d.pick(side);
      const moved = withFile(withFile(model, path, undefined), `${path}.old`, model.files.get(path));
      return { model: moved, note: `${path} renamed` };
    },
  },
  {
    name: "cut-side-file",
    apply(model, d) {
      const side = sideFiles(model);
      if (side.length === 0) return undefined;
      const path = d.pick(side);
      const bytes = model.files.get(path)!;
      // On a 4-byte boundary: where a float32 tensor (or a shard) could plausibly end.
      const at = 4 * d.below(Math.floor(bytes.length / 4) + 1);
      return { model: withFile(model, path, bytes.slice(0, at)), note: `${path} cut at ${at}` };
    },
  },
];
