import { getTextEncoding } from "@bufbuild/protobuf/wire";
import { AttributeProto_AttributeType as AT, type AttributeProto, type NodeProto } from "onnx-buf";

// Readers for node attributes. A value of the wrong attribute type reads as
// "invalid" (NaN / undefined), so that the caller treats the node as one it
// does not understand rather than guessing.

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** True when the node carries the attribute at all. */
export function hasAttribute(node: NodeProto, name: string): boolean {
  return find(node, name) !== undefined;
}

/** An INT attribute as a number (NaN when it is not an INT or not a safe integer). */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (a === undefined) return fallback;
  if (a.type !== AT.INT) return Number.NaN;
  const v = Number(a.i);
  return Number.isSafeInteger(v) ? v : Number.NaN;
}

/** An INTS attribute as numbers, `undefined` when absent, NaN entries when invalid. */
export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = find(node, name);
  if (a === undefined) return undefined;
  if (a.type !== AT.INTS) return [Number.NaN];
  return a.ints.map((i) => {
    const v = Number(i);
    return Number.isSafeInteger(v) ? v : Number.NaN;
  });
}

/** A FLOAT attribute (a float32 value, read exactly), NaN when of another type. */
export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (a === undefined) return fallback;
  return a.type === AT.FLOAT ? a.f : Number.NaN;
}

/** A STRING attribute decoded as UTF-8, `undefined` when of another type. */
export function stringAttribute(node: NodeProto, name: string, fallback: string): string | undefined {
  const a = find(node, name);
  if (a === undefined) return fallback;
  return a.type === AT.STRING ? getTextEncoding().decodeUtf8(a.s) : undefined;
}

/** The TENSOR attribute itself, if present and of that type. */
export function tensorAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  const a = find(node, name);
  return a?.type === AT.TENSOR ? a : undefined;
}

/** The version of the default ONNX domain a model imports (1 when it says nothing). */
export function defaultOpset(imports: readonly { readonly domain: string; readonly version: bigint }[]): number {
  const entry = imports.find((o) => o.domain === "" || o.domain === "ai.onnx");
  return entry === undefined ? 1 : Number(entry.version);
}

/** True for a node of the default ONNX domain. */
export function isOnnxDomain(node: NodeProto): boolean {
  return node.domain === "" || node.domain === "ai.onnx";
}
