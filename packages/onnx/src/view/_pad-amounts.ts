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
    return { pads, mode, zeroFill: value === 0 };
  }
  const raw = ints(constants.get(node.input[1] ?? ""));
  if (raw === undefined) return undefined;
  const fillName = node.input[2] ?? "";
  let zeroFill = true;
  if (fillName !== "") {
    const fill = constants.get(fillName)?.read();
    if (fill === undefined || fill.values.length !== 1) return undefined;
    zeroFill = Number(fill.values[0]) === 0;
  }
  const axesName = node.input[3] ?? "";
  if (axesName === "") return { pads: raw, mode, zeroFill };
  const axes = ints(constants.get(axesName));
  if (axes === undefined || rank === undefined || raw.length !== 2 * axes.length) return undefined;
  const pads = new Array<number>(2 * rank).fill(0);
  for (const [i, a] of axes.entries()) {
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) return undefined;
    pads[axis] = raw[i]!;
    pads[axis + rank] = raw[i + axes.length]!;
  }
  return { pads, mode, zeroFill };
}

/**
 * The [top, left, bottom, right] pads of a Pad node that zero-pads only the
 * spatial axes of an NCHW tensor (mode constant, fill 0, pads >= 0), else
 * undefined.
 */
export function spatialZeroPad(
  node: NodeProto,
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
  rank: number | undefined,
): Pads | undefined {
  const a = padAmounts(node, constants, opset, rank);
  const p = a?.pads;
  if (
    a === undefined ||
    p?.length !== 8 ||
    a.mode !== "constant" ||
    !a.zeroFill ||
    p.some((v) => !Number.isInteger(v) || v < 0)
  )
    return undefined;
  if (p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0) return undefined; // batch or channel padding
  return [p[2]!, p[3]!, p[6]!, p[7]!];
}
