import { ReparamError } from "@reparam/core";
import { isObject } from "./_check-manifest.js";
import type { GraphDefJson } from "./graph-topology.js";
import { kerasModel } from "./keras-model.js";
import type { LayersTopologyJson } from "./layers-topology.js";
import type { TfjsModelFormat } from "./model-json.js";

function bad(where: string, expected: string, value: unknown): ReparamError {
  const found = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value)).slice(0, 60);
  return new ReparamError("TFJS_BAD_TOPOLOGY", "model.json topology is malformed", { where, expected, found });
}

/** Keras 2 `[layer, node, tensor, kwargs?]`, or Keras 3 `{config: {keras_history: [layer, node, tensor]}}`: the triple, if it is one. */
function refOf(v: unknown): unknown[] | undefined {
  if (Array.isArray(v) && typeof v[0] === "string") return v;
  if (isObject(v) && isObject(v.config) && "keras_history" in v.config) return v.config.keras_history as unknown[];
  return undefined;
}

/** Every tensor reference in a Keras 3 call (`args`, `kwargs`), at any depth. */
function historyRefs(v: unknown, out: unknown[][]): unknown[][] {
  const ref = isObject(v) && isObject(v.config) && "keras_history" in v.config ? refOf(v) : undefined;
  if (ref !== undefined) out.push(ref);
  else if (Array.isArray(v)) for (const x of v) historyRefs(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) historyRefs(x, out);
  return out;
}

/**
 * Keras layers: objects with a string `class_name`, a `config` object, a
 * string name and, if any, a list of calls whose tensor references name a
 * layer of the model, one of its calls and an output index (a reference
 * that is not one would silently drop an input of the call).
 */
function checkLayers(topology: LayersTopologyJson): void {
  const model = kerasModel(topology);
  const layers: readonly unknown[] = model.config.layers;
  // A Sequential model (or one without any inbound_nodes) chains its layers; a functional one lists every call.
  const functional =
    model.class_name !== "Sequential" && layers.some((l) => isObject(l) && l.inbound_nodes !== undefined);
  const calls = new Map<string, number>();
  layers.forEach((layer, i) => {
    const where = `model.json modelTopology layers[${i}]`;
    if (!isObject(layer)) throw bad(where, "a layer object", layer);
    if (typeof layer.class_name !== "string") throw bad(`${where} class_name`, "a string", layer.class_name);
    if (!isObject(layer.config)) throw bad(`${where} config`, "an object", layer.config);
    const name = layer.name ?? layer.config.name;
    if (typeof name !== "string") throw bad(`${where} name`, "a string (name or config.name)", name);
    const inbound = layer.inbound_nodes;
    if (inbound !== undefined && (!Array.isArray(inbound) || !inbound.every((c) => Array.isArray(c) || isObject(c))))
      throw bad(`${where} inbound_nodes`, "a list of calls (lists or objects)", inbound);
    // An input layer is called once implicitly; any other layer has the calls it lists (none: nothing may read it).
    const listed = Array.isArray(inbound) ? inbound.length : 0;
    calls.set(name, layer.class_name === "InputLayer" || !functional ? Math.max(1, listed) : listed);
  });
  const checkRef = (ref: unknown[] | undefined, value: unknown, where: string): void => {
    const [layer, node, tensor] = ref ?? [];
    const known = typeof layer === "string" ? calls.get(layer) : undefined;
    if (
      ref === undefined ||
      ref.length < 3 ||
      known === undefined ||
      !Number.isSafeInteger(node) ||
      (node as number) < 0 ||
      (node as number) >= known ||
      !Number.isSafeInteger(tensor) ||
      (tensor as number) < 0
    )
      throw bad(where, "a tensor reference [layer of this model, call index, output index]", value);
  };
  layers.forEach((layer, i) => {
    const inbound = (layer as { inbound_nodes?: readonly unknown[] }).inbound_nodes ?? [];
    inbound.forEach((call, c) => {
      const where = `model.json modelTopology layers[${i}] inbound_nodes[${c}]`;
      const refs = Array.isArray(call) ? call : historyRefs(call, []);
      if (refs.length === 0) throw bad(where, "a call with at least one input tensor", call);
      if (Array.isArray(call)) for (const r of call) checkRef(refOf(r), r, where);
      else for (const r of refs) checkRef(r as unknown[], r, where);
    });
  });
}

const SCALARS: Readonly<Record<string, (v: unknown) => boolean>> = {
  s: (v) => typeof v === "string",
  // Numbers as JSON can write them back: an integer past 2^53 or a float past 1e308 (read as Infinity) cannot.
  i: (v) => typeof v === "string" || Number.isSafeInteger(v),
  f: (v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)),
  b: (v) => typeof v === "boolean",
  type: (v) => typeof v === "string",
};

/** An attribute value: typed scalars of the right JSON type; a `list` of arrays of them; objects where objects go. */
function checkAttr(value: unknown, where: string): void {
  if (!isObject(value)) throw bad(where, "an AttrValue object", value);
  for (const [key, ok] of Object.entries(SCALARS)) {
    if (value[key] !== undefined && !ok(value[key])) throw bad(`${where} ${key}`, `a JSON ${key} value`, value[key]);
  }
  for (const key of ["shape", "tensor", "func"]) {
    if (value[key] !== undefined && !isObject(value[key])) throw bad(`${where} ${key}`, "an object", value[key]);
  }
  const list = value.list;
  if (list === undefined) return;
  if (!isObject(list)) throw bad(`${where} list`, "an object", list);
  for (const [key, ok] of Object.entries(SCALARS)) {
    const items = list[key];
    if (items !== undefined && !(Array.isArray(items) && items.every(ok)))
      throw bad(`${where} list.${key}`, `a list of JSON ${key} values`, items);
  }
}

/** Data inputs the ops that block matching reads must have (fewer: the node lost one, and a branch would be dropped). */
const ARITY: Readonly<Record<string, number>> = {
  Conv2D: 2,
  DepthwiseConv2dNative: 2,
  _FusedConv2D: 2,
  FusedDepthwiseConv2dNative: 2,
  BiasAdd: 2,
  Add: 2,
  AddV2: 2,
  Mul: 2,
  FusedBatchNorm: 5,
  FusedBatchNormV3: 5,
  Pad: 2,
  PadV2: 2,
  AddN: 1,
  Identity: 1,
};

/** Ops that read nothing (every other op needs at least one data input). */
const SOURCES: ReadonlySet<string> = new Set(["Placeholder", "Const", "NoOp", "VarHandleOp", "VariableV2"]);

/** GraphDef nodes: objects with string `name` and `op`, string inputs, attribute objects. */
function checkGraph(graph: GraphDefJson): void {
  const nodes: unknown = graph.node;
  if (nodes === undefined) return;
  if (!Array.isArray(nodes)) throw bad("model.json modelTopology node", "a list of nodes", nodes);
  const names = new Set(nodes.flatMap((n: unknown) => (isObject(n) && typeof n.name === "string" ? [n.name] : [])));
  nodes.forEach((node: unknown, i) => {
    const where = `model.json modelTopology node[${i}]`;
    if (!isObject(node)) throw bad(where, "a NodeDef object", node);
    if (typeof node.name !== "string") throw bad(`${where} name`, "a string", node.name);
    if (typeof node.op !== "string") throw bad(`${where} op`, "a string", node.op);
    const at = `model.json node '${node.name}'`;
    if (node.input !== undefined && !(Array.isArray(node.input) && node.input.every((x) => typeof x === "string")))
      throw bad(`${at} input`, "a list of strings", node.input);
    // `name`, `name:k` or `^name` (control): the producer must be a node of the graph.
    const dangling = (node.input ?? []).find((x: string) => !names.has(x.replace(/^\^/, "").replace(/:\d+$/, "")));
    if (dangling !== undefined) throw bad(`${at} input`, "inputs produced by nodes of the graph", dangling);
    const data = (node.input ?? []).filter((x: string) => !x.startsWith("^")).length;
    const least = ARITY[node.op] ?? (SOURCES.has(node.op) ? 0 : 1);
    if (data < least) throw bad(`${at} input`, `at least ${least} data inputs for ${node.op}`, node.input ?? []);
    if (node.attr === undefined) return;
    if (!isObject(node.attr)) throw bad(`${at} attr`, "an object", node.attr);
    for (const [key, value] of Object.entries(node.attr)) checkAttr(value, `${at} attr ${key}`);
  });
}

/**
 * Checks that a topology has the JSON types its readers rely on (a layers
 * model's layers, a graph model's nodes and attributes), so that a
 * malformed `model.json` ends here, at decode, and not in the middle of
 * block matching.
 *
 * @throws ReparamError `TFJS_BAD_TOPOLOGY`, naming the layer or node.
 */
export function checkTopology(topology: unknown, format: TfjsModelFormat): void {
  if (format === "layers-model") checkLayers(topology as LayersTopologyJson);
  else checkGraph(topology as GraphDefJson);
}
