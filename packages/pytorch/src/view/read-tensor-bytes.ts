import { type ByteSource, ReparamError } from "@reparam/core";
import type { TorchTensor } from "../codec/pickle/py-value.js";
import type { TorchFile } from "../codec/torch-file.js";
import { TORCH_DTYPES } from "../codec/torch-dtype.js";
import { readChecked } from "../codec/zip/_zip-fields.js";

/** Largest non-contiguous tensor gathered (bytes): a view with stride 0 can claim any size over a tiny storage. */
const MAX_GATHER = 1 << 30;

/** Bytes `[start, end)` of a tensor's packed row-major data. */
export type TensorByteReader = (t: TorchTensor, start: number, end: number) => Promise<Uint8Array>;

/** Row-major (C order) with no gaps: the strides of dims of size > 1 are the packed ones. */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** The elements of a strided view, packed row-major, from the bytes of its span (first element at 0). */
function gather(span: Uint8Array, t: TorchTensor, size: number): Uint8Array {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(numel * size);
  const index = new Array<number>(t.shape.length).fill(0);
  let src = 0;
  for (let n = 0; n < numel; n++) {
    out.set(span.subarray(src * size, src * size + size), n * size);
    // Odometer: step the last dim, carry into the ones before.
    for (let d = t.shape.length - 1; d >= 0; d--) {
      index[d]!++;
      src += t.stride[d]!;
      if (index[d]! < t.shape[d]!) break;
      src -= index[d]! * t.stride[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Reads tensors from the file by offset, honouring storage offset and
 * stride (two tensors may view one storage): a contiguous tensor's range is
 * read straight from the file; a non-contiguous one's span in its storage is
 * read and gathered. The storage's location was checked when decoding; the
 * view's, when the tensor was rebuilt.
 */
export function tensorByteReader(source: ByteSource, file: TorchFile, where: string): TensorByteReader {
  return async (t, start, end) => {
    if (end <= start) return new Uint8Array(0);
    const size = TORCH_DTYPES[t.storage.dtype].size;
    const base = file.storageOffsets.get(t.storage.key)!;
    const label = `${where} storage ${JSON.stringify(t.storage.key)}`;
    if (isContiguous(t.shape, t.stride)) return readChecked(source, base + t.offset * size + start, end - start, label);
    const packed = t.shape.reduce((a, b) => a * b, 1) * size;
    if (packed > MAX_GATHER)
      throw new ReparamError("PYTORCH_TOO_LARGE", "a non-contiguous tensor too large to gather", {
        where: label,
        expected: `at most ${MAX_GATHER} bytes`,
        found: `${packed} bytes, shape [${t.shape.join(", ")}], stride [${t.stride.join(", ")}]`,
      });
    let last = t.offset;
    for (let i = 0; i < t.shape.length; i++) last += (t.shape[i]! - 1) * t.stride[i]!;
    const span = await readChecked(source, base + t.offset * size, (last - t.offset + 1) * size, label);
    return gather(span, t, size).subarray(start, end);
  };
}
