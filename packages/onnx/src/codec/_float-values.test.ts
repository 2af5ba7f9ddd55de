import { create } from "@bufbuild/protobuf";
import { bufferPool, narrowFloat16Array } from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { floatValues } from "./_float-values.js";

const values = Float32Array.from({ length: 20_000 }, (_, i) => i / 7);
/** A FLOAT tensor whose raw_data starts `shift` bytes into its buffer. */
function floats(shift: number): TensorProto {
  const buffer = new Uint8Array(values.byteLength + shift);
  buffer.set(new Uint8Array(values.buffer), shift);
  return create(TensorProtoSchema, {
    name: "w",
    dims: [BigInt(values.length)],
    dataType: DT.FLOAT,
    rawData: buffer.subarray(shift) as Uint8Array<ArrayBuffer>,
  });
}

describe("floatValues", () => {
  it("reads aligned float32 raw_data as a view, without widening", () => {
    const t = floats(4);
    const v = floatValues(t);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.buffer).toBe(t.rawData.buffer);
    expect(v).toEqual(values);
  });

  it("copies unaligned float32 raw_data, into the pool's buffers when given one", () => {
    const pool = bufferPool();
    const first = floatValues(floats(1), pool);
    expect(first).toEqual(values);
    pool.reuse([first]);
    const second = floatValues(floats(3), pool);
    expect(second.buffer).toBe(first.buffer);
    expect(second).toEqual(values);
    expect(floatValues(floats(2)).buffer).not.toBe(first.buffer);
  });

  it("reads float_data as float32, and widens float16 to float64", () => {
    const typed = create(TensorProtoSchema, { name: "f", dims: [2n], dataType: DT.FLOAT, floatData: [0.5, -2] });
    expect(floatValues(typed)).toEqual(Float32Array.of(0.5, -2));
    const bits = narrowFloat16Array(Float64Array.of(1.5, 3));
    const half = create(TensorProtoSchema, {
      name: "h",
      dims: [2n],
      dataType: DT.FLOAT16,
      rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength) as Uint8Array<ArrayBuffer>,
    });
    expect(floatValues(half)).toEqual(Float64Array.of(1.5, 3));
  });

  it("refuses data of the wrong size as tensorValues does", () => {
    const t = create(TensorProtoSchema, { name: "bad", dims: [3n], dataType: DT.FLOAT, rawData: new Uint8Array(8) });
    expect(() => floatValues(t)).toThrow(expect.objectContaining({ code: "ONNX_TENSOR_SIZE" }));
  });
});
