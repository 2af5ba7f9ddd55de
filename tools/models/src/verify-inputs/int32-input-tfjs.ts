interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

interface GraphModelJson {
  modelTopology: { node: GraphNode[] };
  signature?: { inputs?: Record<string, { dtype?: string }> };
}

/**
 * A TF.js graph model's `model.json` with its float input `input` taking
 * int32 instead (as models that read image bytes do): the Placeholder and
 * the signature say `DT_INT32`, and a `Cast` to float (`<input>/Cast`) feeds
 * what the Placeholder fed. Weights and their manifest are unchanged.
 */
export function int32InputTfjs(modelJson: Uint8Array, input: string): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as GraphModelJson;
  const nodes = json.modelTopology.node;
  const at = nodes.findIndex((n) => n.name === input && n.op === "Placeholder");
  if (at < 0) throw new Error(`no Placeholder '${input}'`);
  const placeholder = nodes[at]!;
  placeholder.attr = { ...placeholder.attr, dtype: { type: "DT_INT32" } };
  const cast = `${input}/Cast`;
  for (const n of nodes) if (n.input !== undefined) n.input = n.input.map((i) => (i === input ? cast : i));
  nodes.splice(at + 1, 0, {
    name: cast,
    op: "Cast",
    input: [input],
    attr: { SrcT: { type: "DT_INT32" }, DstT: { type: "DT_FLOAT" }, Truncate: { b: false } },
  });
  const sig = json.signature?.inputs?.[`${input}:0`];
  if (sig !== undefined) sig.dtype = "DT_INT32";
  return new TextEncoder().encode(JSON.stringify(json));
}
