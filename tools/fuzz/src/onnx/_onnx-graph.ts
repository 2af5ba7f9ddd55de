import { narrowFloat16Array } from "@reparam/core";
import {
  type AttributeValue,
  type InitializerSpec,
  type NodeSpec,
  dataTypeOf,
  makeTensor,
  tensorAttr,
} from "@reparam/onnx";
import type { OnnxStyle } from "./onnx-style.js";

/** Little-endian bytes of float32, float16 (bit patterns) or int64 values. */
function leBytes(data: Float32Array | Uint16Array | BigInt64Array): Uint8Array {
  const size = data instanceof Uint16Array ? 2 : data instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(data.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Uint16Array) view.setUint16(i * 2, data[i]!, true);
    else if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else view.setBigInt64(i * 8, data[i]!, true);
  }
  return bytes;
}

/**
 * Collects the nodes and constants of one block's graph in a style: weights
 * as initializers or Constant nodes, float32 or float16, values unique by name.
 */
export class OnnxGraph {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private count = 0;

  constructor(readonly style: OnnxStyle) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** Adds a node; returns its single output's name. */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttributeValue>> = {}): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], attrs, name: `${op}_${this.nodes.length}` });
    return out;
  }

  /** A float constant of the model's dtype (float32 when `float32`), values already exact in it. */
  floats(prefix: string, dims: readonly number[], values: Float64Array, float32 = false): string {
    const half = this.style.dtype === "float16" && !float32;
    return this.constant(
      prefix,
      dims,
      half ? narrowFloat16Array(values) : Float32Array.from(values),
      half ? "float16" : "float32",
    );
  }

  /** An int64 constant (Pad's pads and axes). */
  int64s(prefix: string, values: readonly number[]): string {
    return this.constant(prefix, [values.length], BigInt64Array.from(values, BigInt), "int64");
  }

  private constant(
    prefix: string,
    dims: readonly number[],
    data: Float32Array | Uint16Array | BigInt64Array,
    type: "float32" | "float16" | "int64",
  ): string {
    if (this.style.constants !== "constant-node") {
      const name = this.fresh(prefix);
      this.initializers.push({ name, dims, data, type });
      return name;
    }
    const value = makeTensor("", dims, dataTypeOf(type), leBytes(data));
    return this.node("Constant", [], { value: tensorAttr(value) });
  }
}
