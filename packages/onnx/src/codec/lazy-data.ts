import type { BufferPool, ByteSource } from "@reparam/core";
import type { TensorProto } from "onnx-buf";
import { copyMessage } from "./_copy-message.js";

/** Where a tensor's `raw_data` is, when it was left in the file rather than read at decode. */
export interface LazyData {
  readonly source: ByteSource;
  readonly offset: number;
  readonly length: number;
}

const lazy = new WeakMap<TensorProto, LazyData>();

/**
 * Marks `tensor` (whose `raw_data` field is present and empty) as holding
 * `data.length` bytes of `raw_data` at `data.offset` in `data.source`: the
 * decoder leaves large initializers in the file, and each reader asks for the
 * bytes when it needs them ({@link rawBytes}), so the model in memory is its
 * structure, not its weights.
 */
export function setLazyData(tensor: TensorProto, data: LazyData): void {
  lazy.set(tensor, data);
}

/** The lazy `raw_data` of `tensor`, or undefined when its data (if any) is in the message. */
export function lazyData(tensor: TensorProto): LazyData | undefined {
  return lazy.get(tensor);
}

/** Byte length of `tensor`'s `raw_data`, in the message or left in the file. */
export function rawLength(tensor: TensorProto): number {
  return lazy.get(tensor)?.length ?? tensor.rawData.byteLength;
}

/**
 * The `raw_data` bytes of `tensor`: its own, or read from the file (into a
 * buffer of `pool` when given: give it back once done).
 */
export async function rawBytes(tensor: TensorProto, pool?: BufferPool): Promise<Uint8Array> {
  const d = lazy.get(tensor);
  if (d === undefined) return tensor.rawData;
  if (d.length === 0) return new Uint8Array(0);
  if (pool !== undefined && d.source.readInto !== undefined) {
    const target = pool.take(d.length);
    await d.source.readInto(d.offset, target);
    return target;
  }
  return d.source.read(d.offset, d.length);
}

/** A tensor that holds its data in the message: `tensor` itself, or a copy with its lazy `raw_data` read in. */
export async function loadedTensor(tensor: TensorProto, pool?: BufferPool): Promise<TensorProto> {
  if (!lazy.has(tensor)) return tensor;
  return copyMessage(tensor, { rawData: (await rawBytes(tensor, pool)) as Uint8Array<ArrayBuffer> });
}
