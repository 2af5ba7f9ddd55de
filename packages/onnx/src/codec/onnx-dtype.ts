import { TensorProto_DataType } from "onnx-buf";

/**
 * The element types this package reads and builds, by name. Each maps to one
 * `TensorProto.DataType`; float16 and bfloat16 values are carried as their
 * 16-bit patterns (`Uint16Array`) wherever a typed array is needed.
 */
export type OnnxDType = "float32" | "float16" | "bfloat16" | "float64" | "int32" | "int64";

const toDataType: Readonly<Record<OnnxDType, TensorProto_DataType>> = {
  float32: TensorProto_DataType.FLOAT,
  float16: TensorProto_DataType.FLOAT16,
  bfloat16: TensorProto_DataType.BFLOAT16,
  float64: TensorProto_DataType.DOUBLE,
  int32: TensorProto_DataType.INT32,
  int64: TensorProto_DataType.INT64,
};

/** The `TensorProto.DataType` number of a dtype name (`"float32"` -> 1). */
export function dataTypeOf(dtype: OnnxDType): TensorProto_DataType {
  return toDataType[dtype];
}

/** The dtype name of a `TensorProto.DataType` number, or `undefined` for one this package does not read. */
export function dtypeOf(dataType: number): OnnxDType | undefined {
  for (const [name, value] of Object.entries(toDataType)) {
    if (value === dataType) return name as OnnxDType;
  }
  return undefined;
}

/** A readable name for any data type number, for messages (`"FLOAT16 (10)"`). */
export function dataTypeLabel(dataType: number): string {
  const name = (TensorProto_DataType as unknown as Record<number, string | undefined>)[dataType];
  return name === undefined ? `unknown data type ${dataType}` : `${name} (${dataType})`;
}
