import { create } from "@bufbuild/protobuf";
import { TensorProtoSchema, TensorProto_DataLocation, TensorProto_DataType as DT } from "onnx-buf";
import { errorCode } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { buildModel } from "./build-model.js";
import { decodeModel } from "./decode-model.js";
import { encodeModel } from "./encode-model.js";
import { makeTensor } from "./make-tensor.js";
import { tensorValues } from "./tensor-values.js";

function le(values: number[], set: (v: DataView, o: number, x: number) => void, size: number, shift = 0): Uint8Array {
  const b = new Uint8Array(values.length * size + shift);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => set(v, shift + i * size, x));
  return b.subarray(shift);
}

const code = errorCode;

describe("tensorValues from raw_data", () => {
  const f32 = [1.5, -2, 0.1, 3.4028234663852886e38];
  it("reads float32 at an aligned and an unaligned byteOffset, widening exactly", () => {
    for (const shift of [0, 1, 2, 3]) {
      const t = makeTensor(
        "w",
        [2, 2],
        DT.FLOAT,
        le(f32, (v, o, x) => v.setFloat32(o, x, true), 4, shift),
      );
      const r = tensorValues(t);
      expect(r.dtype).toBe("float32");
      expect([...r.values]).toEqual(f32.map(Math.fround));
    }
  });

  it("reads float16, bfloat16, float64, int32 and int64", () => {
    const h = makeTensor(
      "h",
      [3],
      DT.FLOAT16,
      le([0x3c00, 0xc000, 0x0001], (v, o, x) => v.setUint16(o, x, true), 2, 1),
    );
    expect(tensorValues(h)).toEqual({ dtype: "float16", values: new Float64Array([1, -2, 2 ** -24]) });
    const b = makeTensor(
      "b",
      [2],
      DT.BFLOAT16,
      le([0x3f80, 0x3e80], (v, o, x) => v.setUint16(o, x, true), 2),
    );
    expect(tensorValues(b)).toEqual({ dtype: "bfloat16", values: new Float64Array([1, 0.25]) });
    const d = makeTensor(
      "d",
      [2],
      DT.DOUBLE,
      le([0.1, -1e300], (v, o, x) => v.setFloat64(o, x, true), 8, 4),
    );
    expect(tensorValues(d)).toEqual({ dtype: "float64", values: new Float64Array([0.1, -1e300]) });
    const i = makeTensor(
      "i",
      [2],
      DT.INT32,
      le([-7, 2 ** 31 - 1], (v, o, x) => v.setInt32(o, x, true), 4, 2),
    );
    expect(tensorValues(i)).toEqual({ dtype: "int32", values: new Int32Array([-7, 2 ** 31 - 1]) });
    const l = makeTensor(
      "l",
      [2],
      DT.INT64,
      le([1, -1], (v, o, x) => v.setBigInt64(o, BigInt(x), true), 8, 3),
    );
    expect(tensorValues(l)).toEqual({ dtype: "int64", values: new BigInt64Array([1n, -1n]) });
  });

  it("returns values that do not alias the tensor", () => {
    const t = makeTensor(
      "i",
      [1],
      DT.INT32,
      le([5], (v, o, x) => v.setInt32(o, x, true), 4),
    );
    const r = tensorValues(t);
    r.values[0] = 9;
    expect(tensorValues(t).values[0]).toBe(5);
  });

  it("reads initializers of a decoded model, whose raw_data sits at any offset of the file", () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [2, 3] }],
      outputs: [{ name: "y", dims: [2, 3] }],
      nodes: [{ op: "Add", inputs: ["x", "c"], outputs: ["y"] }],
      initializers: [{ name: "c", dims: [2, 3], data }],
    });
    const c = decodeModel(encodeModel(model)).graph!.initializer[0]!;
    expect(tensorValues(c).values).toEqual(new Float64Array(data));
  });

  it("refuses a length that does not match the dims (ONNX_TENSOR_SIZE)", () => {
    const t = create(TensorProtoSchema, { name: "w", dims: [3n], dataType: DT.FLOAT, rawData: new Uint8Array(8) });
    expect(code(() => tensorValues(t))).toBe("ONNX_TENSOR_SIZE");
    expect(code(() => makeTensor("w", [3], DT.FLOAT, new Uint8Array(8)))).toBe("ONNX_TENSOR_SIZE");
    const neg = create(TensorProtoSchema, { name: "w", dims: [-1n], dataType: DT.FLOAT, rawData: new Uint8Array(0) });
    expect(code(() => tensorValues(neg))).toBe("ONNX_TENSOR_SIZE");
  });
});

describe("tensorValues from typed fields", () => {
  it("reads float_data, int32_data (float16/bfloat16 bits, int32), double_data and int64_data", () => {
    const t = (dataType: number, fields: object) =>
      create(TensorProtoSchema, { name: "t", dims: [2n], dataType, ...fields });
    expect(tensorValues(t(DT.FLOAT, { floatData: [0.5, -1] })).values).toEqual(new Float64Array([0.5, -1]));
    expect(tensorValues(t(DT.FLOAT16, { int32Data: [0x3c00, 0x7bff] })).values).toEqual(new Float64Array([1, 65504]));
    expect(tensorValues(t(DT.BFLOAT16, { int32Data: [0x3f80, 0xc000] })).values).toEqual(new Float64Array([1, -2]));
    expect(tensorValues(t(DT.DOUBLE, { doubleData: [0.1, 0.2] })).values).toEqual(new Float64Array([0.1, 0.2]));
    expect(tensorValues(t(DT.INT32, { int32Data: [3, -4] })).values).toEqual(new Int32Array([3, -4]));
    expect(tensorValues(t(DT.INT64, { int64Data: [3n, -4n] })).values).toEqual(new BigInt64Array([3n, -4n]));
  });

  it("survives encoding: typed fields round-trip through protobuf", () => {
    const t = create(TensorProtoSchema, { name: "t", dims: [1n, 2n], dataType: DT.FLOAT, floatData: [1.25, 2.5] });
    const model = buildModel({ opset: 13, inputs: [], outputs: [{ name: "t" }], nodes: [] });
    model.graph!.initializer.push(t);
    expect(tensorValues(decodeModel(encodeModel(model)).graph!.initializer[0]!).values).toEqual(
      new Float64Array([1.25, 2.5]),
    );
  });

  it("refuses a count that does not match the dims (ONNX_TENSOR_SIZE)", () => {
    const t = create(TensorProtoSchema, { name: "t", dims: [3n], dataType: DT.FLOAT, floatData: [1, 2] });
    expect(code(() => tensorValues(t))).toBe("ONNX_TENSOR_SIZE");
  });

  it("refuses other types and unloaded external data", () => {
    expect(code(() => tensorValues(create(TensorProtoSchema, { dataType: DT.UINT8, dims: [0n] })))).toBe(
      "ONNX_UNSUPPORTED_DTYPE",
    );
    const ext = create(TensorProtoSchema, {
      name: "e",
      dims: [1n],
      dataType: DT.FLOAT,
      dataLocation: TensorProto_DataLocation.EXTERNAL,
    });
    expect(code(() => tensorValues(ext))).toBe("ONNX_EXTERNAL_NOT_LOADED");
    expect(tensorValues(ext, new Uint8Array([0, 0, 0x80, 0x3f])).values).toEqual(new Float64Array([1]));
  });
});
