import type { ModelProto } from "onnx-buf";

/** Names of the initializers of a model's main graph that are also listed among its inputs. */
function initializerInputs(model: ModelProto): Set<string> {
  const graph = model.graph;
  const inputs = new Set(graph?.input.map((v) => v.name) ?? []);
  return new Set(graph?.initializer.filter((t) => inputs.has(t.name)).map((t) => t.name) ?? []);
}

/**
 * The report note for a model whose initializers are also graph inputs
 * (`keep_initializers_as_inputs`, or IR 3, which lists them all): how they
 * were read and how many left the inputs with the blocks fused; undefined
 * when there are none.
 *
 * @param before - the model as decoded.
 * @param after - the model as written.
 */
export function initializerInputNote(
  before: ModelProto,
  after: ModelProto,
  mode: "constants" | "inputs",
): string | undefined {
  const was = initializerInputs(before);
  if (was.size === 0) return undefined;
  const stays = initializerInputs(after);
  const gone = [...was].filter((n) => !stays.has(n)).length;
  const one = was.size === 1;
  const n = one
    ? "1 initializer that was also a graph input was"
    : `${was.size} initializers that were also graph inputs were`;
  if (mode === "inputs") {
    return `${n} kept as run-time inputs (initializersAsInputs: 'inputs', CLI --keep-weight-inputs): blocks that read any of them are refused (NON_CONSTANT_WEIGHTS)`;
  }
  return `${n} treated as constants (keep_initializers_as_inputs); ${gone} that fused blocks no longer read ${gone === 1 ? "was" : "were"} removed from the inputs as well; pass initializersAsInputs: 'inputs' (CLI --keep-weight-inputs) to treat them as run-time inputs instead`;
}
