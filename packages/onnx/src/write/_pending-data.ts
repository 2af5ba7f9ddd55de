import type { TensorProto } from "onnx-buf";

/**
 * The `raw_data` of a tensor that is made only when the model is written
 * (a fused kernel), so that it never has to be held with all the others:
 * its length is known up front, its bytes are asked for once.
 */
export interface PendingData {
  readonly byteLength: number;
  /** Makes the bytes (exactly `byteLength` of them); the caller may keep them. */
  bytes(): Promise<Uint8Array>;
  /** Told, when the caller knows it, that the bytes are no longer read by anyone: their memory may be filled again. */
  done?(bytes: Uint8Array): void;
}

/** Tensors of a model whose `raw_data` is pending (the tensors themselves hold none). */
export type PendingTensors = ReadonlyMap<TensorProto, PendingData>;

/** The bytes of `data`, checked against the length promised. */
export async function pendingBytes(data: PendingData, where: string): Promise<Uint8Array> {
  const bytes = await data.bytes();
  if (bytes.byteLength !== data.byteLength)
    throw new RangeError(`${where}: made ${bytes.byteLength} bytes, ${data.byteLength} promised`);
  return bytes;
}
