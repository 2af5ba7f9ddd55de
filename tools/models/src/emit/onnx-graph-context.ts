import { batchNormAffine, foldBatchNorm } from "@reparam/core";
import { type NodeSpec, floatAttr, intAttr, intsAttr } from "@reparam/onnx";
import type { ArchBlock, ConvBranch } from "../arch/arch.js";
import { bnTensors, convTensors } from "../weights/state-dict-tensors.js";
import type { TensorSpec } from "../weights/tensor-spec.js";
import { floatValues, tensorValues, valueBytes } from "../weights/tensor-values.js";
import type { LazyTensor } from "./lazy-tensor.js";
import { nodeNamer, scopeOf } from "./_scope.js";

/**
 * Collects the nodes and initializers of an ONNX graph as it is built, with
 * PyTorch-style names; weights are drawn from `seed` when written.
 */
export class OnnxGraphContext {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: LazyTensor[] = [];
  private readonly name = nodeNamer();
  private folded = 0;

  constructor(
    readonly seed: number,
    readonly bnEps: number,
  ) {}

  /** Adds a node in the scope of module path `path`; returns its first output's name. */
  node(path: string, op: string, inputs: readonly string[], attrs: NodeSpec["attrs"] = {}): string {
    const name = this.name(scopeOf(path), op);
    const output = `${name}_output_0`;
    this.nodes.push({ op, name, inputs, outputs: [output], attrs });
    return output;
  }

  /** Adds an initializer drawn from the seed; returns its name. */
  tensor(spec: TensorSpec): string {
    const seed = this.seed;
    const byteLength = spec.shape.reduce((a, d) => a * d, 1) * (spec.dtype === "I64" ? 8 : 4);
    const dataType = spec.dtype === "I64" ? 7 : 1;
    this.initializers.push({
      name: spec.name,
      dims: spec.shape,
      dataType,
      byteLength,
      bytes: () => valueBytes(tensorValues(spec, seed)),
    });
    return spec.name;
  }

  /** A float32 initializer whose values are made when written (a folded or derived constant); returns its name. */
  derived(name: string, dims: readonly number[], values: () => Float32Array): string {
    const byteLength = 4 * dims.reduce((a, d) => a * d, 1);
    this.initializers.push({ name, dims, dataType: 1, byteLength, bytes: () => valueBytes(values()) });
    return name;
  }

  /** An int64 initializer with fixed values (Pad's `pads`); returns its name. */
  int64s(name: string, values: readonly number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: 7,
      byteLength: 8 * values.length,
      bytes: () => valueBytes(data),
    });
    return name;
  }

  /** The next name PyTorch gives a folded constant, `onnx::Conv_<n>`. */
  foldedName(): string {
    return `onnx::Conv_${100 + this.folded++}`;
  }

  /** Conv over `x` with the branch's own weight (and bias, if it has one). */
  conv(x: string, b: ArchBlock, br: ConvBranch): string {
    const specs = convTensors(br.conv, [b.outChannels, b.inChannels / b.groups, ...br.kernel], br.bias);
    return this.node(
      br.conv,
      "Conv",
      [x, ...specs.map((s) => this.tensor(s))],
      convAttrs(br.kernel, b.stride, [br.kernel[0] >> 1, br.kernel[1] >> 1], b.groups),
    );
  }

  /**
   * Conv over `x` with the branch's BN folded in (float64, rounded once to
   * float32): the PyTorch eval export, initializers named `onnx::Conv_<n>`.
   * `pads` default to the branch's own (k // 2); DBB's `conv2` has none.
   */
  foldedConv(
    x: string,
    b: ArchBlock,
    br: ConvBranch & { bn: string },
    inPerGroup = b.inChannels / b.groups,
    pads: readonly [number, number] = [br.kernel[0] >> 1, br.kernel[1] >> 1],
  ): string {
    const [w] = convTensors(br.conv, [b.outChannels, inPerGroup, ...br.kernel], false) as [TensorSpec];
    const bnSpecs = bnTensors(br.bn, b.outChannels);
    const bn = () => {
      const [gamma, beta, mean, variance] = bnSpecs.slice(0, 4).map((s) => floatValues(s, this.seed));
      return { gamma: gamma!, beta: beta!, mean: mean!, variance: variance!, eps: this.bnEps };
    };
    const shape = w.shape as [number, number, number, number];
    const wName = this.derived(this.foldedName(), w.shape, () =>
      Float32Array.from(foldBatchNorm({ data: floatValues(w, this.seed), shape }, undefined, bn(), br.bn).kernel.data),
    );
    // b' = beta - mean * gamma / sqrt(var + eps): the conv has no bias of its own.
    const bName = this.derived(this.foldedName(), [b.outChannels], () =>
      Float32Array.from(batchNormAffine(bn(), br.bn).shift),
    );
    return this.node(br.conv, "Conv", [x, wName, bName], convAttrs(br.kernel, b.stride, pads, b.groups));
  }

  /** BatchNormalization (inference) of `x` with the BN at module path `path`. */
  batchNorm(x: string, path: string, channels: number): string {
    const names = bnTensors(path, channels)
      .slice(0, 4)
      .map((s) => this.tensor(s));
    return this.node(path, "BatchNormalization", [x, ...names], {
      epsilon: floatAttr(this.bnEps),
      momentum: floatAttr(0.9),
    });
  }
}

/** Conv attributes (opset 13, PyTorch's order): symmetric `pads` (h, w), square `stride`. */
export function convAttrs(
  kernel: readonly [number, number],
  stride: number,
  pads: readonly [number, number],
  groups: number,
): NodeSpec["attrs"] {
  const [kh, kw] = kernel;
  const [ph, pw] = pads;
  return {
    dilations: intsAttr([1, 1]),
    group: intAttr(groups),
    kernel_shape: intsAttr([kh, kw]),
    pads: intsAttr([ph, pw, ph, pw]),
    strides: intsAttr([stride, stride]),
  };
}
