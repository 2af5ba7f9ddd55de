import { ReparamError } from "@reparam/core";
import type { SafetensorsDtype } from "./dtype.js";
import type { SafetensorsModel } from "./safetensors-model.js";
import { tensorByteLength } from "./tensor-byte-length.js";
import type { TensorInfo } from "./tensor-info.js";

/** A state dict kept in another container (a PyTorch checkpoint ...), as {@link stateDictModel} takes it. */
export interface StateDictSource {
  /** Name of the file it came from. */
  readonly name: string;
  /** Its tensors, in the container's order. */
  readonly tensors: readonly {
    readonly name: string;
    readonly dtype: SafetensorsDtype;
    readonly shape: readonly number[];
  }[];
  /** Bytes `[start, end)` of tensor `name`'s data, little-endian, row-major, packed. */
  readBytes(name: string, start: number, end: number): Promise<Uint8Array>;
  /** `__metadata__` to write when it is encoded as safetensors. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * A state dict from another container seen as a one-file safetensors model,
 * so that this package's naming schemes, block finding and writer
 * (`safetensorsAdapter.findBlocks`, `encode`, `deployConv`) work on it as
 * they are. Offsets are those the tensors would have packed in the given
 * order; there is no header (`headerSize` and `dataStart` are 0).
 *
 * @throws ReparamError `SAFETENSORS_DUPLICATE_KEY`, `SAFETENSORS_BAD_SHAPE`;
 *   reads: `SAFETENSORS_TENSOR_NOT_FOUND`, `SAFETENSORS_BAD_OFFSETS`.
 */
export function stateDictModel(source: StateDictSource): SafetensorsModel {
  const tensors = new Map<string, TensorInfo>();
  let offset = 0;
  for (const t of source.tensors) {
    const where = `${source.name} tensor ${JSON.stringify(t.name)}`;
    if (tensors.has(t.name))
      throw new ReparamError("SAFETENSORS_DUPLICATE_KEY", "two tensors have the same name", {
        where,
        expected: "unique tensor names",
        found: `${JSON.stringify(t.name)} twice`,
      });
    const begin = offset;
    offset += tensorByteLength(t.dtype, t.shape, where);
    tensors.set(t.name, { name: t.name, dtype: t.dtype, shape: [...t.shape], begin, end: offset });
  }
  const find = (name: string): TensorInfo => {
    const t = tensors.get(name);
    if (t !== undefined) return t;
    throw new ReparamError("SAFETENSORS_TENSOR_NOT_FOUND", "no tensor of that name", {
      where: source.name,
      expected: `one of ${tensors.size} tensors`,
      found: JSON.stringify(name),
    });
  };
  const readTensorBytes = (name: string, start: number, end: number) => {
    const t = find(name);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > t.end - t.begin)
      throw new ReparamError("SAFETENSORS_BAD_OFFSETS", "byte range outside the tensor", {
        where: `${source.name} tensor ${JSON.stringify(name)}`,
        expected: `0 <= start <= end <= ${t.end - t.begin}`,
        found: `[${start}, ${end})`,
      });
    return source.readBytes(name, start, end);
  };
  const list = [...tensors.values()];
  const shard = {
    file: source.name,
    content: {
      headerSize: 0,
      dataStart: 0,
      dataSize: offset,
      metadata: source.metadata,
      tensors: list,
      tensor: (name: string) => tensors.get(name),
      readTensor: (name: string) => readTensorBytes(name, 0, find(name).end - find(name).begin),
      readTensorBytes,
    },
  };
  return {
    name: source.name,
    index: undefined,
    shards: [shard],
    tensors,
    shardOf: (name) => (find(name), shard),
    read: (name) => shard.content.readTensor(name),
    readRange: readTensorBytes,
  };
}
