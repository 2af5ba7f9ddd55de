import { create, toBinary } from "@bufbuild/protobuf";
import { isReparamError, type ReparamError } from "@reparam/core";
import { ModelProtoSchema, OperatorSetIdProtoSchema } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { buildModel } from "./build-model.js";
import { decodeModel } from "./decode-model.js";
import { encodeModel } from "./encode-model.js";

function decodeError(bytes: Uint8Array): ReparamError {
  try {
    decodeModel(bytes);
  } catch (e) {
    if (isReparamError(e)) return e;
    throw e;
  }
  throw new Error("decoded");
}

const model = buildModel({
  opset: 13,
  inputs: [{ name: "x", dims: [1, 2] }],
  outputs: [{ name: "y", dims: [1, 2] }],
  nodes: [{ op: "Add", inputs: ["x", "c"], outputs: ["y"], name: "add" }],
  initializers: [{ name: "c", dims: [1, 2], data: new Float32Array([1, 2]) }],
});
const bytes = encodeModel(model);

/** A varint's bytes. */
function varint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80);
  return [...out, v];
}

/** A tag's bytes. */
function tag(no: number, wire: number): number[] {
  return varint(no * 8 + wire);
}

/** Bytes of a length-delimited field `no` holding `body`. */
function field(no: number, body: number[]): number[] {
  return [...tag(no, 2), ...varint(body.length), ...body];
}

describe("decodeModel / encodeModel", () => {
  it("round-trips a built model byte for byte", () => {
    expect(encodeModel(decodeModel(bytes))).toEqual(bytes);
  });

  it("refuses bytes cut anywhere inside the graph with ONNX_DECODE", () => {
    // Fields are written in number order: ir_version, producer_name, graph (7), opset_import (8).
    const tail = toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, { opsetImport: [create(OperatorSetIdProtoSchema, { domain: "", version: 13n })] }),
    );
    const graphEnd = bytes.byteLength - tail.byteLength;
    for (let cut = 0; cut < graphEnd; cut++) expect(decodeError(bytes.subarray(0, cut)).code).toBe("ONNX_DECODE");
  });

  it("refuses a truncated varint and says where", () => {
    const e = decodeError(new Uint8Array([0x08, 0x80]));
    expect(e.code).toBe("ONNX_DECODE");
    expect(e.message).toContain("truncated varint");
    expect(e.where).toBe("ModelProto.ir_version (byte 1)");
  });

  it("refuses a length prefix past the end, with the field path", () => {
    // graph { node { name: <length 50, 3 bytes> } }
    const e = decodeError(new Uint8Array(field(7, field(1, [(3 << 3) | 2, 50, 0x61, 0x62, 0x63]))));
    expect(e.code).toBe("ONNX_DECODE");
    expect(e.message).toContain("length prefix runs past the end");
    expect(e.where).toBe("ModelProto.graph.node[0].name (byte 5)");
    expect(e.found).toBe("length 50");
  });

  it("refuses a wrong wire type for a known field", () => {
    // graph { node { name as a varint } }: @bufbuild/protobuf alone would misread this.
    const e = decodeError(new Uint8Array(field(7, field(1, [(3 << 3) | 0, 5]))));
    expect(e.code).toBe("ONNX_DECODE");
    expect(e.message).toContain("wrong wire type");
    expect(e.where).toBe("ModelProto.graph.node[0].name (byte 4)");
    expect(e.expected).toBe("wire type 2");
    expect(e.found).toBe("wire type 0");
    // ir_version as fixed32
    expect(decodeError(new Uint8Array([(1 << 3) | 5, 1, 2, 3, 4])).code).toBe("ONNX_DECODE");
  });

  it("refuses invalid wire types, field number 0, stray end-group tags and broken packed arrays", () => {
    expect(decodeError(new Uint8Array(tag(99, 7))).message).toContain("invalid wire type");
    expect(decodeError(new Uint8Array([0x02, 0x00])).message).toContain("invalid field number");
    expect(decodeError(new Uint8Array(tag(99, 4))).message).toContain("end-group");
    expect(decodeError(new Uint8Array(tag(99, 3))).message).toContain("unterminated group");
    expect(
      decodeError(new Uint8Array([...tag(99, 0), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))
        .message,
    ).toContain("longer than 10 bytes");
    // graph { initializer { float_data packed, 6 bytes } }
    const packed = field(7, field(5, field(4, [0, 0, 0x80, 0x3f, 0, 0])));
    expect(decodeError(new Uint8Array(packed)).message).toContain("packed array");
  });

  it("refuses well-formed protobuf that is not a model (no graph)", () => {
    expect(decodeError(new Uint8Array(0)).code).toBe("ONNX_DECODE");
    expect(decodeError(new Uint8Array([0x08, 0x07])).message).toContain("no graph");
  });

  it("keeps unknown fields, including groups, and writes them back", () => {
    const unknown = [...tag(99, 0), 42, ...field(100, [0x68, 0x69]), ...tag(101, 3), ...tag(1, 0), 7, ...tag(101, 4)];
    const withUnknown = new Uint8Array([...bytes, ...unknown]);
    const decoded = decodeModel(withUnknown);
    expect(decoded.$unknown?.map((u) => u.no)).toEqual([99, 100, 101]);
    expect(encodeModel(decoded)).toEqual(withUnknown);
  });
});
