import { base64Text } from "./_base64.js";
import type { AttrValueJson, NodeDefJson } from "./graph-topology.js";

const attr = (node: NodeDefJson, key: string): AttrValueJson | undefined => node.attr?.[key];

/** A `bytes` attribute as text (`padding`, `data_format`): base64-decoded. */
export function attrText(node: NodeDefJson, key: string): string | undefined {
  const s = attr(node, key)?.s;
  return s === undefined ? undefined : base64Text(s);
}

/** A list-of-bytes attribute as texts (`fused_ops`); `[]` for an empty list. */
export function attrTexts(node: NodeDefJson, key: string): string[] | undefined {
  const a = attr(node, key);
  if (a?.list === undefined) return undefined;
  const out = (a.list.s ?? []).map(base64Text);
  return out.every((t) => t !== undefined) ? (out as string[]) : undefined;
}

/**
 * The `fused_ops` of a `_Fused*` node when they are nothing or one
 * `BiasAdd` with one argument (`[]` for an unfused node); undefined for any
 * other fusion (an activation, several ops).
 */
export function biasOnlyFusedOps(node: NodeDefJson, fused: boolean): string[] | undefined {
  const ops = fused ? attrTexts(node, "fused_ops") : [];
  if (ops === undefined || ops.length > 1) return undefined;
  if (ops.length === 1 && (ops[0] !== "BiasAdd" || attrInt(node, "num_args") !== 1)) return undefined;
  return ops;
}

/** An int64 list attribute (`strides`, `dilations`, `explicit_paddings`; decimal strings in JSON). */
export function attrInts(node: NodeDefJson, key: string): number[] | undefined {
  const a = attr(node, key);
  if (a?.list === undefined) return undefined;
  const out = (a.list.i ?? []).map(Number);
  return out.every(Number.isSafeInteger) ? out : undefined;
}

/** An int64 attribute (`num_args`). */
export function attrInt(node: NodeDefJson, key: string): number | undefined {
  const i = attr(node, key)?.i;
  const n = i === undefined ? NaN : Number(i);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A float attribute (`epsilon`); `"NaN"`/`"Infinity"` strings read as such. */
export function attrFloat(node: NodeDefJson, key: string): number | undefined {
  const f = attr(node, key)?.f;
  return f === undefined ? undefined : Number(f);
}

/** A bool attribute (`is_training`). */
export function attrBool(node: NodeDefJson, key: string): boolean | undefined {
  return attr(node, key)?.b;
}
