import { type Draw, HOSTILE_PATHS } from "./draw.js";
import { type JsonTree, type TreeSlot, mutateTree, parseTree, raw, treeBytes, treeSlots } from "./json-tree.js";
import { mainBytes, withFile } from "./model-files.js";
import type { Mutator } from "./mutator.js";

const DTYPES = ["float32", "int32", "bool", "float16", "string", "complex64", "uint8", "int64", "", "FLOAT32"];

/** Edits the tree of `model.json`; not applicable when it does not parse. */
function onJson(name: string, edit: (root: JsonTree, d: Draw) => string | undefined): Mutator {
  return {
    name,
    apply(model, d) {
      const tree = parseTree(mainBytes(model));
      if (tree === undefined) return undefined;
      const note = edit(tree, d);
      return note === undefined ? undefined : { model: withFile(model, model.name, treeBytes(tree)), note };
    },
  };
}

/** Slots whose path matches `[...prefix, *, key]` at any depth below `weightsManifest`. */
function manifestSlots(root: JsonTree, key: string): TreeSlot[] {
  return treeSlots(root).filter((s) => s.path[0] === "weightsManifest" && s.path[s.path.length - 1] === key);
}

function arrays(root: JsonTree, key: string): Array<Extract<JsonTree, { kind: "array" }>> {
  return manifestSlots(root, key).flatMap((s) => (s.node.kind === "array" ? [s.node] : []));
}

/** Mutations of a TF.js `model.json`: manifest paths, weight shapes, dtypes, quantization, order and names; topology; any field. */
export const tfjsMutators: readonly Mutator[] = [
  onJson("tfjs-manifest-path", (root, d) => {
    const paths = arrays(root, "paths");
    const list = paths.length === 0 ? undefined : d.pick(paths);
    if (list === undefined || list.items.length === 0) return undefined;
    const i = d.below(list.items.length);
    const op = d.below(4);
    if (op === 0) list.items[i] = raw(JSON.stringify(d.pick(HOSTILE_PATHS)));
    else if (op === 1) list.items.splice(i, 1);
    else if (op === 2) list.items.splice(i, 0, list.items[i]!);
    else list.items.reverse();
    return `paths[${i}] (op ${op})`;
  }),
  onJson("tfjs-weight-shape", (root, d) => {
    const slots = manifestSlots(root, "shape");
    if (slots.length === 0) return undefined;
    const s = d.pick(slots);
    const v = d.pick([
      "[0]",
      "[]",
      "[0,3,3,3]",
      "[4294967296,4294967296]",
      "[9007199254740993]",
      "[-1,2]",
      "[1.5]",
      '["3"]',
      "[1000000000,32,3,3]",
      "[2,2]",
      "null",
    ]);
    s.replace(raw(v));
    return `${s.path.join(".")} = ${v}`;
  }),
  onJson("tfjs-weight-dtype", (root, d) => {
    const slots = manifestSlots(root, "dtype");
    if (slots.length === 0) return undefined;
    const s = d.pick(slots);
    const v = d.pick(DTYPES);
    s.replace(raw(JSON.stringify(v)));
    return `${s.path.join(".")} = ${v}`;
  }),
  onJson("tfjs-quantization", (root, d) => {
    const weights = arrays(root, "weights")
      .flatMap((a) => a.items)
      .filter((w) => w.kind === "object");
    const w = weights.length === 0 ? undefined : d.pick(weights);
    if (w === undefined || w.kind !== "object") return undefined;
    const q = `{"dtype":${JSON.stringify(d.pick(["uint8", "uint16", "float16", "int8", "x"]))},"min":${d.pick(["-1", "0", "1e400", "null"])},"scale":${d.pick(["0.1", "0", "-1", "null", "1e-320"])}}`;
    w.entries = w.entries.filter(([k]) => k !== "quantization");
    w.entries.push(["quantization", raw(q)]);
    return `quantization ${q}`;
  }),
  onJson("tfjs-weight-order", (root, d) => {
    const lists = arrays(root, "weights").filter((a) => a.items.length > 1);
    const list = lists.length === 0 ? undefined : d.pick(lists);
    if (list === undefined) return undefined;
    const i = d.below(list.items.length);
    const j = d.below(list.items.length);
    const op = d.below(3);
    if (op === 0) [list.items[i], list.items[j]] = [list.items[j]!, list.items[i]!];
    else if (op === 1) list.items.splice(i, 1);
    else list.items.splice(j, 0, list.items[i]!);
    return `weights ${i} ${j} (op ${op})`;
  }),
  onJson("tfjs-topology", (root, d) => mutateTree(root, d, (s) => s.path[0] === "modelTopology")),
  onJson("tfjs-json-generic", (root, d) => mutateTree(root, d)),
];
