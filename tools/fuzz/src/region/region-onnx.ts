import { type AttributeValue, buildModel, encodeModel, floatAttr, intAttr, intsAttr } from "@reparam/onnx";
import { OnnxGraph } from "../onnx/_onnx-graph.js";
import { onnxStyleFor } from "../onnx/onnx-style.js";
import { Rng } from "../rng.js";
import type { RegionOp, RegionSpec } from "./region-spec.js";

type Attrs = Record<string, AttributeValue>;
type Op<K extends RegionOp["kind"]> = Extract<RegionOp, { kind: K }>;

/** Writes one region as ONNX ops, spelling what has several spellings at random. */
class RegionWriter {
  readonly names = new Map<string, string>([["x", "x"]]);

  constructor(
    readonly g: OnnxGraph,
    readonly rng: Rng,
    readonly rank: number,
  ) {}

  name(t: string): string {
    return this.names.get(t)!;
  }

  /** A constant broadcasting per channel (or one value) over [1, C, H, W] or [N, C]. */
  private channelConst(values: Float64Array): string {
    const n = values.length;
    const { rng } = this;
    if (n === 1) return this.g.floats("c", rng.bool(0.5) ? [] : [1], values);
    const dims = this.rank === 4 ? (rng.bool(0.7) ? [1, n, 1, 1] : [n, 1, 1]) : rng.bool(0.7) ? [n] : [1, n];
    return this.g.floats("c", dims, values);
  }

  private windowAttrs(op: Op<"conv"> | Op<"pool">, k: readonly number[]): Attrs {
    const omit = this.g.style.omitDefaults;
    const attrs: Attrs = {};
    if (op.kind === "pool" || !omit || this.rng.bool(0.5)) attrs.kernel_shape = intsAttr(k);
    if (!omit || op.strides.some((s) => s !== 1)) attrs.strides = intsAttr(op.strides);
    if (!omit || op.pads.some((p) => p !== 0)) attrs.pads = intsAttr(op.pads);
    return attrs;
  }

  private conv(op: Op<"conv">): string {
    const attrs = this.windowAttrs(op, op.shape.slice(2));
    if (!this.g.style.omitDefaults || op.dilations.some((d) => d !== 1)) attrs.dilations = intsAttr(op.dilations);
    if (!this.g.style.omitDefaults || op.groups !== 1) attrs.group = intAttr(op.groups);
    const inputs = [this.name(op.input), this.g.floats("w", op.shape, op.weight)];
    if (op.bias !== undefined) inputs.push(this.g.floats("b", [op.shape[0]], op.bias));
    return this.g.node("Conv", inputs, attrs);
  }

  private linear(op: Op<"linear">): string {
    const [o, c] = op.shape;
    const t = new Float64Array(o * c);
    for (let m = 0; m < o; m++) for (let k = 0; k < c; k++) t[k * o + m] = op.weight[m * c + k]!;
    const x = this.name(op.input);
    if (op.spelling === "matmul") {
      const y = this.g.node("MatMul", [x, this.g.floats("w", [c, o], t)]);
      return op.bias === undefined ? y : this.g.node("Add", [y, this.g.floats("b", [o], op.bias)]);
    }
    const w = op.spelling === "gemm" ? this.g.floats("w", [o, c], op.weight) : this.g.floats("w", [c, o], t);
    const bias = op.bias === undefined ? [] : [this.g.floats("b", [o], op.bias)];
    const attrs: Attrs =
      op.spelling === "gemm" ? { transB: intAttr(1) } : this.rng.bool(0.5) ? { transB: intAttr(0) } : {};
    return this.g.node("Gemm", [x, w, ...bias], attrs);
  }

  write(op: RegionOp): void {
    const { g, rng } = this;
    let y: string;
    switch (op.kind) {
      case "conv":
        y = this.conv(op);
        break;
      case "pool": {
        const attrs = { ...this.windowAttrs(op, op.size), count_include_pad: intAttr(1) };
        y = g.node("AveragePool", [this.name(op.input)], attrs);
        break;
      }
      case "bn": {
        const c = op.gamma.length;
        const params = [op.gamma, op.beta, op.mean, op.variance].map((v, i) => g.floats(`bn${i}`, [c], v));
        y = g.node("BatchNormalization", [this.name(op.input), ...params], { epsilon: floatAttr(op.eps) });
        break;
      }
      case "affine": {
        const c = this.channelConst(op.value);
        const x = this.name(op.input);
        y = g.node(op.op, op.constFirst ? [c, x] : [x, c]);
        break;
      }
      case "pad": {
        const [t, l, b, r] = op.pads;
        const inputs = [this.name(op.input), g.int64s("pads", [0, 0, t, l, 0, 0, b, r])];
        if (op.value !== 0 || rng.bool(0.5)) inputs.push(g.floats("pad_value", [], Float64Array.of(op.value)));
        y = g.node("Pad", inputs, {});
        break;
      }
      case "sum": {
        const xs = op.inputs.map((t) => this.name(t));
        if (op.node === "sum") y = g.node("Sum", xs);
        else {
          y = xs[0]!;
          for (const t of xs.slice(1)) y = g.node("Add", [y, t]);
        }
        break;
      }
      case "diff":
        y = g.node(
          "Sub",
          op.inputs.map((t) => this.name(t)),
        );
        break;
      case "act":
        y = g.node(op.op, [this.name(op.input)], op.op === "LeakyRelu" ? { alpha: floatAttr(op.alpha) } : {});
        break;
      case "linear":
        y = this.linear(op);
        break;
    }
    this.names.set(op.out, y);
  }
}

/**
 * A region as an ONNX model (float32, opset 11..21, weights as initializers
 * or Constant nodes): input `x`, output `y`, every op of the spec in order.
 */
export function regionOnnx(spec: RegionSpec): Uint8Array {
  const style = onnxStyleFor({ dtype: "float32", bn: "node", pads: "attr" }, spec.seed);
  const rng = new Rng(spec.seed * 7 + 3);
  const g = new OnnxGraph({ ...style, constants: rng.bool(0.25) ? "constant-node" : "initializer" });
  const w = new RegionWriter(g, rng, spec.inputShape.length);
  for (const op of spec.ops) w.write(op);
  const last = g.nodes[g.nodes.length - 1]!;
  if (last.outputs[0] !== w.name(spec.output)) throw new Error("regionOnnx: the output is not the last node's");
  g.nodes[g.nodes.length - 1] = { ...last, outputs: ["y"] };
  const proto = buildModel({
    opset: style.opset,
    inputs: [{ name: "x", dims: spec.inputShape, type: "float32" }],
    outputs: [{ name: "y", type: "float32", ...(style.outputDims ? { dims: spec.outputShape } : {}) }],
    nodes: g.nodes,
    initializers: g.initializers,
  });
  return encodeModel(proto);
}
