/// <reference types="node" />
// Small graphs of constant nodes for the constant folder's tests: the folded
// constant (the adapter's constant table) and what onnxruntime computes for
// the same graph.
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import { buildModel, type InitializerSpec, type NodeSpec } from "../src/codec/build-model.js";
import { encodeModel } from "../src/codec/encode-model.js";
import type { OnnxDType } from "../src/codec/onnx-dtype.js";
import { constantTable, type OnnxConstant } from "../src/view/_constant-table.js";

/** A graph whose output `y` is computed from initializers only. */
export interface FoldCase {
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly InitializerSpec[];
  /** Type of `y` (default float32). */
  readonly type?: OnnxDType;
  readonly opset?: number;
}

const modelOf = (c: FoldCase) =>
  buildModel({
    opset: c.opset ?? 17,
    inputs: [],
    outputs: [{ name: "y", type: c.type ?? "float32" }],
    nodes: c.nodes,
    initializers: c.initializers ?? [],
  });

/** The folded `y`, or undefined when the folder leaves it a node. */
export function folded(c: FoldCase): OnnxConstant | undefined {
  return constantTable(modelOf(c).graph!, undefined, false, c.opset ?? 17).get("y");
}

/** `y` as onnxruntime computes it: its dims and values (floats as numbers, integers as bigints). */
export async function ortValue(c: FoldCase): Promise<{ dims: number[]; values: number[] | bigint[] }> {
  const session = await ort.InferenceSession.create(encodeModel(modelOf(c)));
  const out = (await session.run({})).y!;
  const values = Array.from(out.data as ArrayLike<number | bigint>) as number[] | bigint[];
  return { dims: [...out.dims], values };
}

/** Int64 data. */
export const i64 = (...v: (number | bigint)[]): BigInt64Array => BigInt64Array.from(v, BigInt);

/**
 * Expects `y` to fold to `dims` and `values` (integers as bigints, floats as
 * the model's type rounds them), and onnxruntime to compute the same.
 */
export async function expectFold(
  c: FoldCase,
  dims: readonly number[],
  values: readonly (number | bigint)[],
): Promise<void> {
  const k = folded(c);
  expect(k?.dims).toEqual(dims);
  expect(Array.from(k!.read().values as ArrayLike<number | bigint>)).toEqual(values);
  const o = await ortValue(c);
  expect(o.dims).toEqual(dims);
  expect(o.values).toEqual(values);
}
