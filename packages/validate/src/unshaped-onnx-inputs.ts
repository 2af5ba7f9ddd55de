import { wireFields } from "@reparam/onnx/wire";

// Field numbers: ModelProto.graph 7; GraphProto.input 11; ValueInfoProto.name 1, .type 2;
// TypeProto.tensor_type 1; TypeProto.Tensor.shape 2.
const field = (bytes: Uint8Array, number: number) => {
  const f = wireFields(bytes).find((x) => x.number === number);
  return f === undefined ? undefined : bytes.subarray(f.valueStart, f.end);
};

/**
 * Names of the graph inputs of an ONNX model that are tensors declared
 * without a shape (recurrent state, for one): onnxruntime reports them with
 * shape `[]`, as it does rank-0 inputs. Walks only the protobuf fields on
 * the way (initializers are skipped over, not decoded).
 */
export function unshapedOnnxInputs(model: Uint8Array): Set<string> {
  const names = new Set<string>();
  const graph = field(model, 7);
  if (graph === undefined) return names;
  for (const f of wireFields(graph)) {
    if (f.number !== 11) continue;
    const info = graph.subarray(f.valueStart, f.end);
    const name = field(info, 1);
    const type = field(info, 2);
    const tensor = type === undefined ? undefined : field(type, 1);
    if (name !== undefined && tensor !== undefined && field(tensor, 2) === undefined)
      names.add(new TextDecoder().decode(name));
  }
  return names;
}
