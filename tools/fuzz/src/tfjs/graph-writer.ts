import type { AttrValueJson, NodeDefJson } from "@reparam/tfjs";
import { dtypeAttr, tensorShape } from "./_graph-attrs.js";
import type { WeightStorage } from "./quantize-weight.js";
import { WeightWriter } from "./weight-writer.js";

/**
 * Collects the nodes of a TF.js GraphDef (Consts apart: the converter lists
 * them first) and their weights (manifest order = Const order), names under
 * `scope` as the converter writes them (`StatefulPartitionedCall/<model>/...`).
 */
export class GraphWriter {
  readonly consts: NodeDefJson[] = [];
  readonly ops: NodeDefJson[] = [];
  readonly weights: WeightWriter;
  /** With `sharePads`: the `Pad` node made for each (input, pads), reused. */
  readonly padded: Map<string, string> | undefined;

  /** `sharePads`: one `Pad` per input and pads, read by every branch that pads so (else one per branch). */
  constructor(
    readonly scope: string,
    storage: WeightStorage,
    sharePads = false,
  ) {
    this.weights = new WeightWriter(storage);
    this.padded = sharePads ? new Map() : undefined;
  }

  private constNode(name: string, shape: readonly number[], dtype: "DT_FLOAT" | "DT_INT32"): string {
    const full = `${this.scope}/${name}`;
    this.consts.push({
      name: full,
      op: "Const",
      attr: { value: { tensor: { dtype, tensorShape: tensorShape(shape) } }, dtype: dtypeAttr(dtype) },
    });
    return full;
  }

  /** A float Const `<scope>/<name>`; returns its node name and the values TF.js will read (float64 copy). */
  floatConst(
    name: string,
    shape: readonly number[],
    values: ArrayLike<number>,
  ): { name: string; stored: Float64Array } {
    const full = this.constNode(name, shape, "DT_FLOAT");
    return { name: full, stored: Float64Array.from(this.weights.float(full, shape, values)) };
  }

  /** An int32 Const `<scope>/<name>`. */
  intConst(name: string, shape: readonly number[], values: readonly number[]): string {
    const full = this.constNode(name, shape, "DT_INT32");
    this.weights.int32(full, shape, values);
    return full;
  }

  /** A node `<scope>/<name>` (`T` float unless given); returns its name. */
  op(name: string, op: string, input: readonly string[], attr: Record<string, AttrValueJson> = {}): string {
    const full = `${this.scope}/${name}`;
    this.ops.push({ name: full, op, input: [...input], attr: { T: dtypeAttr("DT_FLOAT"), ...attr } });
    return full;
  }
}
