import { TensorProto_DataType as DT } from "onnx-buf";
import type { OnnxConstant } from "../view/_constant-table.js";

/** Bits per element of the float types a weight may be stored in. */
const BITS: Partial<Record<number, number>> = { [DT.BFLOAT16]: 16, [DT.FLOAT16]: 16, [DT.FLOAT]: 32, [DT.DOUBLE]: 64 };

/**
 * The float type a constant's data is stored in when a `Cast` widens it for
 * its reader (weights kept float16 or bfloat16 in the file, cast to float
 * before the Conv): the type the Cast reads. Its own type otherwise.
 *
 * @param constants - the graph's constants by name (to find what the Cast reads).
 */
export function storedType(c: OnnxConstant, constants: ReadonlyMap<string, OnnxConstant>): number {
  const cast = c.nodes.find((n) => n.opType === "Cast");
  const from = cast === undefined ? undefined : constants.get(cast.input[0] ?? "")?.dataType;
  const [a, b] = [from === undefined ? undefined : BITS[from], BITS[c.dataType]];
  return from !== undefined && a !== undefined && b !== undefined && a < b ? from : c.dataType;
}
