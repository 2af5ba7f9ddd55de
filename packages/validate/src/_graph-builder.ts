import type { BatchNorm } from "@reparam/core";
import { floatAttr, intAttr, intsAttr, type AttributeValue, type InitializerSpec, type NodeSpec } from "@reparam/onnx";

/** Collects nodes and float32 initializers for a small ONNX graph, naming values uniquely. */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private count = 0;

  /** A float32 constant (values rounded once to float32). */
  constant(prefix: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, data: Float32Array.from(values as ArrayLike<number>) });
    return name;
  }

  /** An int64 1-D constant (Pad's `pads`). */
  constant64(prefix: string, values: readonly number[]): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values, BigInt) });
    return name;
  }

  /** Adds a node and returns its (single) output name. */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttributeValue>> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  }

  /** Conv with an OIHW kernel, optional bias, geometry as attributes (pads [top, left, bottom, right], ONNX order). */
  conv(
    x: string,
    kernel: { readonly data: ArrayLike<number>; readonly shape: readonly number[] },
    bias: ArrayLike<number> | undefined,
    g: {
      readonly stride: readonly number[];
      readonly pads: readonly number[];
      readonly dilation: readonly number[];
      readonly groups: number;
    },
    output?: string,
  ): string {
    const w = this.constant("w", kernel.shape, kernel.data);
    const inputs = bias === undefined ? [x, w] : [x, w, this.constant("b", [kernel.shape[0]!], bias)];
    return this.node(
      "Conv",
      inputs,
      {
        kernel_shape: intsAttr(kernel.shape.slice(2)),
        strides: intsAttr(g.stride),
        pads: intsAttr(g.pads),
        dilations: intsAttr(g.dilation),
        group: intAttr(g.groups),
      },
      output,
    );
  }

  /** Inference-mode BatchNormalization over channels. */
  batchNorm(x: string, bn: BatchNorm): string {
    const c = bn.gamma.length;
    const inputs = [
      x,
      this.constant("gamma", [c], bn.gamma),
      this.constant("beta", [c], bn.beta),
      this.constant("mean", [c], bn.mean),
      this.constant("var", [c], bn.variance),
    ];
    return this.node("BatchNormalization", inputs, { epsilon: floatAttr(bn.eps) });
  }

  /** Sums values with a chain of Adds (one value: an Identity), into `output`. */
  sum(values: readonly string[], output: string): string {
    if (values.length === 1) return this.node("Identity", values, {}, output);
    let acc = values[0]!;
    for (let i = 1; i < values.length; i++)
      acc = this.node("Add", [acc, values[i]!], {}, i === values.length - 1 ? output : undefined);
    return acc;
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }
}
