import { ReparamError } from "@reparam/core";
import { type JsonNode, describeJson, safeIntegerOf } from "./_json-node.js";
import { isSafetensorsDtype } from "./dtype.js";
import { tensorByteLength } from "./tensor-byte-length.js";
import type { TensorInfo } from "./tensor-info.js";

const KEYS = ["dtype", "shape", "data_offsets"] as const;

/**
 * Reads one tensor entry of a header: exactly `{dtype, shape, data_offsets}`
 * (any key order), a known dtype, non-negative integer dims and offsets, and
 * `end - begin == product(shape) * dtype size`.
 */
export function readTensorEntry(name: string, node: JsonNode, label: string): TensorInfo {
  const where = `${label} tensor ${JSON.stringify(name)}`;
  if (node.kind !== "object") {
    throw new ReparamError("SAFETENSORS_BAD_ENTRY", "tensor entry is not an object", {
      where,
      expected: '{"dtype", "shape", "data_offsets"}',
      found: describeJson(node),
    });
  }
  const fields = new Map(node.entries);
  const extra = node.entries.map(([k]) => k).filter((k) => !(KEYS as readonly string[]).includes(k));
  const missing = KEYS.filter((k) => !fields.has(k));
  if (extra.length > 0 || missing.length > 0) {
    throw new ReparamError(
      "SAFETENSORS_BAD_ENTRY",
      "tensor entry does not have exactly the keys dtype, shape, data_offsets",
      {
        where,
        expected: '{"dtype", "shape", "data_offsets"}',
        found: [...missing.map((k) => `missing "${k}"`), ...extra.map((k) => `unexpected ${JSON.stringify(k)}`)].join(
          ", ",
        ),
      },
    );
  }
  const dtypeNode = fields.get("dtype") as JsonNode;
  const shapeNode = fields.get("shape") as JsonNode;
  const offsetsNode = fields.get("data_offsets") as JsonNode;
  if (dtypeNode.kind !== "string") {
    throw new ReparamError("SAFETENSORS_BAD_ENTRY", "dtype is not a string", {
      where: `${where} dtype`,
      expected: 'a dtype string such as "F32"',
      found: describeJson(dtypeNode),
    });
  }
  const dtype = dtypeNode.value;
  if (!isSafetensorsDtype(dtype)) {
    throw new ReparamError("SAFETENSORS_UNKNOWN_DTYPE", "unknown dtype", {
      where: `${where} dtype`,
      expected:
        "one of BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64",
      found: JSON.stringify(dtype),
    });
  }
  if (shapeNode.kind !== "array") {
    throw new ReparamError("SAFETENSORS_BAD_ENTRY", "shape is not an array", {
      where: `${where} shape`,
      expected: "an array of non-negative integers",
      found: describeJson(shapeNode),
    });
  }
  const shape = shapeNode.items.map((item, i) => {
    const d = safeIntegerOf(item);
    if (d === undefined) {
      throw new ReparamError("SAFETENSORS_BAD_SHAPE", "shape has a dim that is not a non-negative integer", {
        where: `${where} shape[${i}]`,
        expected: "an integer in [0, 2^53 - 1]",
        found: describeJson(item),
      });
    }
    return d;
  });
  if (offsetsNode.kind !== "array") {
    throw new ReparamError("SAFETENSORS_BAD_ENTRY", "data_offsets is not an array", {
      where: `${where} data_offsets`,
      expected: "[begin, end]",
      found: describeJson(offsetsNode),
    });
  }
  const [b, e] = offsetsNode.items;
  const begin = b === undefined ? undefined : safeIntegerOf(b);
  const end = e === undefined ? undefined : safeIntegerOf(e);
  if (offsetsNode.items.length !== 2 || begin === undefined || end === undefined || end < begin) {
    throw new ReparamError(
      "SAFETENSORS_BAD_OFFSETS",
      "data_offsets is not [begin, end] with integers 0 <= begin <= end",
      {
        where: `${where} data_offsets`,
        expected: "[begin, end], non-negative integers, begin <= end",
        found: `[${offsetsNode.items.map((n) => (n.kind === "number" ? n.text : describeJson(n))).join(", ")}]`,
      },
    );
  }
  const length = tensorByteLength(dtype, shape, where);
  if (end - begin !== length) {
    throw new ReparamError(
      "SAFETENSORS_SIZE_MISMATCH",
      "data_offsets span a byte length other than shape and dtype give",
      {
        where,
        expected: `${length} bytes (${dtype} [${shape.join(",")}])`,
        found: `${end - begin} bytes (data_offsets [${begin}, ${end}])`,
      },
    );
  }
  return { name, dtype, shape, begin, end };
}
