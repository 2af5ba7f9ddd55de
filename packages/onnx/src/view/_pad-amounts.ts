import type { Pads } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import { floatAttribute, intsAttribute, stringAttribute } from "../codec/_attributes.js";
import type { OnnxConstant } from "./_constant-table.js";

/** What a Pad node does, when its pads are constant. */
export interface PadAmounts {
  /** All begins then all ends, one per axis of the input (ONNX order). */
  readonly pads: readonly number[];
  readonly mode: string;
  /** True when the fill value is zero (or the mode is not "constant"). */
  readonly zeroFill: boolean;
  /** The fill value of mode "constant" (0 when none is given), as stored (floats widened exactly). */
  readonly value: number;
}

const ints = (c: OnnxConstant | undefined): number[] | undefined => {
  if (c === undefined) return undefined;
  const v = c.read();
  return v.dtype === "int64" || v.dtype === "int32" ? Array.from(v.values, Number) : undefined;
};

/**
 * Reads a Pad node of any opset: before 11 the `paddings` (opset 1) or
 * `pads` attribute and a `value` attribute; from 11 the `pads` input and an
 * optional `constant_value` input; from 18 an optional `axes` input. Needs
 * the input's rank when `axes` is given. Returns undefined when the pads are
 * not constant or cannot be read.
 */
export function padAmounts(
  node: NodeProto,
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
  rank: number | undefined,
): PadAmounts | undefined {
  const mode = stringAttribute(node, "mode", "constant");
  if (mode === undefined) return undefined;
  if (opset < 11) {
    const pads = intsAttribute(node, opset < 2 ? "paddings" : "pads");
    const value = floatAttribute(node, "value", 0);
    if (pads === undefined || pads.some((p) => !Number.isInteger(p))) return undefined;
    return { pads, mode, zeroFill: value === 0, value };
  }
  const raw = ints(constants.get(node.input[1] ?? ""));
  if (raw === undefined) return undefined;
  const fillName = node.input[2] ?? "";
  let value = 0;
  if (fillName !== "") {
    const fill = constants.get(fillName)?.read();
    if (fill === undefined || fill.values.length !== 1) return undefined;
    value = Number(fill.values[0]);
  }
  const zeroFill = value === 0;
  const axesName = node.input[3] ?? "";
  if (axesName === "") return { pads: raw, mode, zeroFill, value };
  const axes = ints(constants.get(axesName));
  if (axes === undefined || rank === undefined || raw.length !== 2 * axes.length) return undefined;
  const pads = new Array<number>(2 * rank).fill(0);
  for (const [i, a] of axes.entries()) {
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) return undefined;
    pads[axis] = raw[i]!;
    pads[axis + rank] = raw[i + axes.length]!;
  }
  return { pads, mode, zeroFill, value };
}

/**
 * The [top, left, bottom, right] pads and the fill value of a Pad node that
 * pads only the spatial axes of an NCHW tensor with a constant (mode
 * constant, a finite fill, pads >= 0), else undefined.
 */
export function spatialConstantPad(
  node: NodeProto,
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
  rank: number | undefined,
): { readonly pads: Pads; readonly value: number } | undefined {
  const a = padAmounts(node, constants, opset, rank);
  const p = a?.pads;
  if (
    a === undefined ||
    p?.length !== 8 ||
    a.mode !== "constant" ||
    !Number.isFinite(a.value) ||
    p.some((v) => !Number.isInteger(v) || v < 0)
  )
    return undefined;
  if (p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0) return undefined; // batch or channel padding
  return { pads: [p[2]!, p[3]!, p[6]!, p[7]!], value: a.value };
}
