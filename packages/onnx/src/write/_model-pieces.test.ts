import { create } from "@bufbuild/protobuf";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType as DT,
  type ModelProto,
  type TensorProto,
} from "onnx-buf";
import { describe, expect, it } from "vitest";
import { modelPieces } from "./_model-pieces.js";
import type { PendingData } from "./_pending-data.js";
import { decodeModel } from "../codec/decode-model.js";
import { encodeModel } from "../codec/encode-model.js";

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const tensor = (name: string, n: number, seed: number): TensorProto =>
  create(TensorProtoSchema, {
    name,
    dims: [BigInt(n / 4)],
    dataType: DT.FLOAT,
    rawData: bytes(n, seed) as Uint8Array<ArrayBuffer>,
  });
// An unknown field (number 99, varint 1) at the end of a message's encoding.
const unknown = [{ no: 99, wireType: 0, data: Uint8Array.of(1) }];

/** Index of the first byte where a and b differ, -1 when equal (toEqual is slow on large arrays). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.byteLength, b.byteLength); i++) if (a[i] !== b[i]) return i;
  return -1;
}

async function joined(model: ModelProto, pending: ReadonlyMap<TensorProto, PendingData>): Promise<Uint8Array> {
  const { pieces, byteLength } = modelPieces(model, pending);
  const out = new Uint8Array(byteLength);
  let at = 0;
  for (const p of pieces) {
    const b = p instanceof Uint8Array ? p : await p.bytes();
    out.set(b, at);
    at += b.byteLength;
  }
  expect(at).toBe(byteLength);
  return out;
}

function model(): ModelProto {
  const sub = create(GraphProtoSchema, { name: "body", initializer: [tensor("inner", 200_000, 7)] });
  const node = create(NodeProtoSchema, {
    opType: "If",
    input: ["c"],
    output: ["y"],
    attribute: [
      create(AttributeProtoSchema, { name: "then_branch", type: AttributeProto_AttributeType.GRAPH, g: sub }),
    ],
  });
  const big = tensor("big", 300_000, 1);
  big.$unknown = unknown;
  const graph = create(GraphProtoSchema, {
    name: "g",
    node: [node],
    initializer: [tensor("small", 16, 2), big, tensor("small2", 40, 3), tensor("big2", 70_000, 4)],
  });
  graph.$unknown = unknown;
  const m = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: "test",
    graph,
    metadataProps: [{ key: "after", value: "the graph" }],
  });
  m.$unknown = unknown;
  return m;
}

describe("modelPieces", () => {
  it("gives encodeModel's bytes, large tensors by reference, unknown fields kept", async () => {
    const m = model();
    const { pieces } = modelPieces(m, new Map());
    expect(pieces).toContain(m.graph!.initializer[1]!.rawData);
    const expected = encodeModel(m);
    expect(Array.from(expected.subarray(-3))).toEqual([0x98, 0x06, 0x01]); // the model's unknown field 99 comes last
    expect(firstDifference(await joined(m, new Map()), expected)).toBe(-1);
    expect(decodeModel(await joined(m, new Map())).graph!.initializer.map((t) => t.name)).toEqual([
      "small",
      "big",
      "small2",
      "big2",
    ]);
  });

  it("fills pending tensors in, wherever they are and whatever their size", async () => {
    const m = model();
    const pendingTensors = [
      create(TensorProtoSchema, { name: "p1", dims: [3n], dataType: DT.FLOAT }),
      create(TensorProtoSchema, { name: "p2", dims: [50_000n], dataType: DT.FLOAT }),
    ];
    m.graph!.initializer.splice(1, 0, pendingTensors[0]!);
    m.graph!.initializer.push(pendingTensors[1]!);
    const data = [bytes(12, 5), bytes(200_000, 6)];
    const pending = new Map(
      pendingTensors.map((t, i): [TensorProto, PendingData] => [
        t,
        { byteLength: data[i]!.byteLength, bytes: () => Promise.resolve(data[i]!) },
      ]),
    );
    const out = await joined(m, pending);
    pendingTensors.forEach((t, i) => (t.rawData = data[i]! as Uint8Array<ArrayBuffer>));
    expect(firstDifference(out, encodeModel(m))).toBe(-1);
  });

  it("encodes a model without large tensors in one piece", () => {
    const m = create(ModelProtoSchema, {
      irVersion: 8n,
      graph: create(GraphProtoSchema, { initializer: [tensor("a", 8, 1)] }),
    });
    const { pieces } = modelPieces(m, new Map());
    expect(pieces).toEqual([encodeModel(m)]);
  });
});
