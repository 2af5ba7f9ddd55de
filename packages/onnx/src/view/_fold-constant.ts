import type { NodeProto } from "onnx-buf";
import type { TensorValues } from "../codec/tensor-values.js";
import { type FoldPlan, type Folded, foldedOf, valuesOfFolded } from "./_fold-tensor.js";

/** A constant as the folder reads and makes it: the constant table's `OnnxConstant` (declared here, so that the table can import the folder). */
export interface FoldableConstant {
  readonly dims: readonly number[];
  /** Element type as its consumers see it (after any Cast). */
  readonly dataType: number;
  /** The Constant and folded nodes that make it, producers first (empty for an initializer). */
  readonly nodes: readonly NodeProto[];
  /**
   * Initializers it is made from that are also graph inputs (a caller may
   * feed other values for them at run time: `keep_initializers_as_inputs`);
   * empty for a true constant.
   */
  readonly graphInputs: readonly string[];
  /** Integer initializers it dequantizes (`DequantizeLinear` of a QDQ model); absent for float storage. */
  readonly quantized?: readonly string[];
  /**
   * Its values, floats widened exactly to float64 (a folded one computed in
   * float64 and rounded once to its type), for the small constants read
   * while the view is built (pads, shapes): throws for a tensor whose data
   * was left in the file.
   */
  read(): TensorValues;
  /** The same values, read from the file when they were left there (weights). */
  load(): Promise<TensorValues>;
  /**
   * Its values as core takes them: a stored FLOAT tensor as a Float32Array
   * that may alias the model or a pooled buffer (never write it); a folded
   * constant's exact float64 value, not rounded to its type (the fusion
   * rounds once); other floats as `load` gives them.
   */
  readFloats(): Promise<Float32Array | Float64Array>;
}

/** A constant's exact value (see {@link Folded}): `read` synchronously (small constants), `load` reading data left in the file. */
export interface ExactValue {
  read(): Folded;
  load(): Promise<Folded>;
}

/** Constants up to this many elements keep their exact value once read (shapes, pads: read again by each consumer while planning). */
const MEMO_ELEMENTS = 4096;

/** The exact value of a constant stored as it is read (an initializer, a Constant, a DequantizeLinear's output). */
export function storedExact(c: FoldableConstant): ExactValue {
  let memo: Folded | undefined;
  return {
    read: () => {
      if (memo !== undefined) return memo;
      const f = foldedOf(c.read(), c.dims, c.dataType);
      if (f.values.length <= MEMO_ELEMENTS) memo = f;
      return f;
    },
    load: async () => memo ?? foldedOf(await c.load(), c.dims, c.dataType),
  };
}

const union = <T>(lists: readonly (readonly T[])[]): T[] => [...new Set(lists.flat())];

/**
 * The constant a folded node makes: its value is the plan run on the exact
 * values of its inputs, computed when read (never stored: a weight may be
 * large), and rounded once to its type where it is read (`read`, `load`;
 * `readFloats` gives core the exact float64 value, for the fusion to round
 * once). It is made by the
 * nodes that make its inputs and by `node` itself (so that the writer drops
 * them all once nothing else reads them); it comes from the graph inputs and
 * quantized initializers they come from.
 *
 * @param srcs - the constants the node reads, by input position (undefined: absent, or Shape's non-constant input).
 * @param exacts - their exact values, by input position.
 */
export function foldedConstant(
  node: NodeProto,
  plan: FoldPlan,
  srcs: readonly (FoldableConstant | undefined)[],
  exacts: readonly (ExactValue | undefined)[],
): { constant: FoldableConstant; exact: ExactValue } {
  const read = (): Folded => plan.run(srcs.map((_, i) => (plan.reads.includes(i) ? exacts[i]!.read() : undefined)));
  let memo: Folded | undefined;
  const exact: ExactValue = {
    read: () => {
      if (memo !== undefined) return memo;
      const f = read();
      if (f.values.length <= MEMO_ELEMENTS) memo = f;
      return f;
    },
    load: async () => {
      if (memo !== undefined) return memo;
      const ins: (Folded | undefined)[] = srcs.map(() => undefined);
      for (const i of plan.reads) ins[i] = await exacts[i]!.load(); // one after another: weights may be large
      return plan.run(ins);
    },
  };
  const given = srcs.filter((s) => s !== undefined);
  const quantized = union(given.map((s) => s.quantized ?? []));
  const load = async () => valuesOfFolded(await exact.load());
  const constant: FoldableConstant = {
    dims: plan.dims,
    dataType: plan.dataType,
    nodes: union([...given.map((s) => s.nodes), [node]]),
    graphInputs: union(given.map((s) => s.graphInputs)),
    ...(quantized.length > 0 ? { quantized } : {}),
    read: () => valuesOfFolded(exact.read()),
    load,
    // Core computes the fusion in float64 and rounds once: it gets the exact value, not the one rounded to the type.
    readFloats: async () => {
      const f = await exact.load();
      if (!(f.values instanceof Float64Array)) throw new TypeError("integer constant read as floats"); // callers check isFloatType
      return f.values;
    },
  };
  return { constant, exact };
}
