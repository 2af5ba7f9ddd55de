/**
 * Types of a graph-model `modelTopology`: a TensorFlow `GraphDef` in the proto3
 * JSON mapping (field names in lowerCamelCase, 64-bit integers as decimal
 * strings, `bytes` as base64, enums by name). Only the fields a converter
 * writes are listed; every other field is kept by the codecs untouched.
 */

/** A tensor's shape: `dim[i].size` as a decimal string, `"-1"` for unknown. */
export interface TensorShapeJson {
  readonly dim?: readonly { readonly size?: string; readonly name?: string }[];
  /** True when even the rank is unknown. */
  readonly unknownRank?: boolean;
}

/**
 * A `TensorProto`. In TF.js graph models a Const's `tensor` carries only
 * `dtype` and `tensorShape`: the values live in the weights manifest under
 * the node's name. Small values may still appear inline.
 */
export interface TensorJson {
  /** `DT_FLOAT`, `DT_INT32`, `DT_BOOL`, ... */
  readonly dtype?: string;
  readonly tensorShape?: TensorShapeJson;
  /** Inline values, if any (`intVal`, `floatVal`, `int64Val` as strings, `tensorContent` base64). */
  readonly [field: string]: unknown;
}

/** A list-valued attribute: one of its arrays is set. */
export interface AttrListJson {
  /** base64-encoded bytes (`fused_ops`, ...). */
  readonly s?: readonly string[];
  /** int64 values as decimal strings (`strides`, `dilations`, ...). */
  readonly i?: readonly string[];
  /** float values (`"NaN"`/`"Infinity"` as strings). */
  readonly f?: readonly (number | string)[];
  readonly b?: readonly boolean[];
  /** `DataType` names (`DT_FLOAT`, ...). */
  readonly type?: readonly string[];
  readonly shape?: readonly TensorShapeJson[];
  readonly tensor?: readonly TensorJson[];
}

/**
 * An `AttrValue`: exactly one field is set. `s` is base64 (`padding: "VkFMSUQ="`
 * is `VALID`), `i` an int64 decimal string, `f` a number (or `"NaN"`,
 * `"Infinity"`, `"-Infinity"`), `type` a `DataType` name.
 */
export interface AttrValueJson {
  readonly s?: string;
  readonly i?: string;
  readonly f?: number | string;
  readonly b?: boolean;
  readonly type?: string;
  readonly shape?: TensorShapeJson;
  readonly tensor?: TensorJson;
  readonly list?: AttrListJson;
  readonly func?: { readonly name?: string; readonly attr?: Readonly<Record<string, AttrValueJson>> };
  readonly placeholder?: string;
}

/** A `NodeDef`: one op in the graph. */
export interface NodeDefJson {
  /** Unique node name; also the weight name of a `Const`. */
  readonly name: string;
  /** Op type: `Const`, `Placeholder`, `_FusedConv2D`, `FusedBatchNormV3`, `AddV2`, `Pad`, ... */
  readonly op: string;
  /** Inputs as `node`, `node:k` (k-th output) or `^node` (control dependency). */
  readonly input?: readonly string[];
  /** Device placement (`/device:CPU:0`), usually absent in converted models. */
  readonly device?: string;
  /** Attributes by name (`T`, `strides`, `padding`, `value`, `epsilon`, `fused_ops`, ...). */
  readonly attr?: Readonly<Record<string, AttrValueJson>>;
  /** Other fields (`experimentalDebugInfo`, ...), kept verbatim. */
  readonly [field: string]: unknown;
}

/** A `GraphDef`: the graph-model `modelTopology` (and `modelInitializer`). */
export interface GraphDefJson {
  /** The nodes, in the order the converter wrote them (not necessarily topological). */
  readonly node?: readonly NodeDefJson[];
  /** `{producer, minConsumer?, badConsumers?}`: the GraphDef version (int32 numbers). */
  readonly versions?: {
    readonly producer?: number;
    readonly minConsumer?: number;
    readonly badConsumers?: readonly number[];
  };
  /** Function library (`function: FunctionDef[]`, `gradient`), used by control flow; kept verbatim. */
  readonly library?: { readonly function?: readonly unknown[]; readonly gradient?: readonly unknown[] };
  readonly [field: string]: unknown;
}

/** A `TensorInfo` in a graph model's `signature` (`name` is `node:output`). */
export interface TensorInfoJson {
  readonly name?: string;
  readonly dtype?: string;
  readonly tensorShape?: TensorShapeJson;
  readonly [field: string]: unknown;
}

/** A `SignatureDef`: the graph model's named inputs and outputs. */
export interface SignatureJson {
  readonly inputs?: Readonly<Record<string, TensorInfoJson>>;
  readonly outputs?: Readonly<Record<string, TensorInfoJson>>;
  readonly methodName?: string;
  readonly [field: string]: unknown;
}
