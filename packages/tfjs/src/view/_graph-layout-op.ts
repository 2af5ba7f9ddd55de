import { parseInput, type GraphIndex } from "./_graph-index.js";
import { int32Values, type Dims, type LayoutOp } from "./_graph-dims.js";
import type { NodeDefJson } from "../codec/graph-topology.js";

/** The ops that only give their input other dims, keeping its row-major order. */
const RESHAPES = new Set(["Reshape", "ExpandDims", "Squeeze"]);

/**
 * A GraphDef node that moves values along axes, as core's {@link LayoutOp}
 * (which only pre-BN sinking follows): Reshape (constant shape),
 * ExpandDims (constant axis) and Squeeze are reshapes between the dims of
 * their input and output where `dims` knows them (they keep the row-major
 * order); Transpose with a constant perm is a transpose. Undefined for
 * anything else, or when the data is not the first and only non-constant
 * input.
 */
export function graphLayoutOp(
  node: NodeDefJson,
  index: GraphIndex,
  dims: (t: string) => Dims | undefined,
): LayoutOp | undefined {
  const inputs = (node.input ?? []).map(parseInput);
  if (inputs.some((i) => i.control)) return undefined;
  const [x, ...rest] = inputs.map((i) => i.tensor);
  if (x === undefined || index.isConstant(x) || rest.some((t) => !index.isConstant(t))) return undefined;
  if (RESHAPES.has(node.op)) {
    if (rest.length !== (node.op === "Squeeze" ? 0 : 1) || (rest[0] !== undefined && !int32Values(index, rest[0])))
      return undefined;
    const from = dims(x);
    const to = dims(node.name);
    return { op: "reshape", ...(from ? { from } : {}), ...(to ? { to } : {}) };
  }
  if (node.op === "Transpose" && rest.length === 1) {
    const perm = int32Values(index, rest[0]);
    return perm === undefined ? undefined : { op: "transpose", perm };
  }
  return undefined;
}
