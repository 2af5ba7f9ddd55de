import { create } from "@bufbuild/protobuf";
import { getTextEncoding } from "@bufbuild/protobuf/wire";
import { ReparamError } from "@reparam/core";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  type AttributeProto,
  type TensorProto,
} from "onnx-buf";

/** A node attribute's value, tagged with its ONNX attribute type. Make one with the `*Attr` helpers. */
export type AttributeValue =
  | { readonly kind: "int"; readonly value: number | bigint }
  | { readonly kind: "ints"; readonly value: readonly (number | bigint)[] }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "floats"; readonly value: readonly number[] }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "strings"; readonly value: readonly string[] }
  | { readonly kind: "tensor"; readonly value: TensorProto };

/** An INT attribute (`group`, `axis`, `training_mode`). */
export function intAttr(value: number | bigint): AttributeValue {
  return { kind: "int", value };
}
/** An INTS attribute (`pads`, `strides`, `kernel_shape`). */
export function intsAttr(value: readonly (number | bigint)[]): AttributeValue {
  return { kind: "ints", value };
}
/** A FLOAT attribute (`epsilon`); stored as float32. */
export function floatAttr(value: number): AttributeValue {
  return { kind: "float", value };
}
/** A FLOATS attribute; stored as float32. */
export function floatsAttr(value: readonly number[]): AttributeValue {
  return { kind: "floats", value };
}
/** A STRING attribute (`auto_pad`, `mode`); stored as UTF-8 bytes. */
export function stringAttr(value: string): AttributeValue {
  return { kind: "string", value };
}
/** A STRINGS attribute. */
export function stringsAttr(value: readonly string[]): AttributeValue {
  return { kind: "strings", value };
}
/** A TENSOR attribute (a Constant's `value`), e.g. from {@link makeTensor}. */
export function tensorAttr(value: TensorProto): AttributeValue {
  return { kind: "tensor", value };
}

/**
 * The `AttributeProto` for a named value. Integers must be safe integers
 * (or bigints in int64 range), else `ONNX_BAD_ATTRIBUTE`.
 */
export function makeAttribute(name: string, value: AttributeValue): AttributeProto {
  const utf8 = (s: string) => getTextEncoding().encodeUtf8(s) as Uint8Array<ArrayBuffer>;
  switch (value.kind) {
    case "int":
      return create(AttributeProtoSchema, { name, type: AT.INT, i: toInt64(name, value.value) });
    case "ints":
      return create(AttributeProtoSchema, { name, type: AT.INTS, ints: value.value.map((v) => toInt64(name, v)) });
    case "float":
      return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: value.value });
    case "floats":
      return create(AttributeProtoSchema, { name, type: AT.FLOATS, floats: [...value.value] });
    case "string":
      return create(AttributeProtoSchema, { name, type: AT.STRING, s: utf8(value.value) });
    case "strings":
      return create(AttributeProtoSchema, { name, type: AT.STRINGS, strings: value.value.map(utf8) });
    case "tensor":
      return create(AttributeProtoSchema, { name, type: AT.TENSOR, t: value.value });
  }
}

function toInt64(name: string, v: number | bigint): bigint {
  const ok = typeof v === "bigint" ? BigInt.asIntN(64, v) === v : Number.isSafeInteger(v);
  if (!ok) {
    throw new ReparamError("ONNX_BAD_ATTRIBUTE", `attribute '${name}' is not an int64`, {
      expected: "a safe integer or an int64 bigint",
      found: `${v}`,
    });
  }
  return BigInt(v);
}
