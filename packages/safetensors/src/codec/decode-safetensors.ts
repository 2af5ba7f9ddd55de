import { type ByteSource, ReparamError } from "@reparam/core";
import { type DecodeSafetensorsOptions, decodeSafetensorsHeader } from "./decode-safetensors-header.js";
import { MAX_HEADER_SIZE } from "../detect-safetensors.js";
import type { TensorInfo } from "./tensor-info.js";

/** A validated safetensors file whose tensor bytes are read on demand. */
export interface SafetensorsFile {
  /** N: length of the JSON header in bytes (padding included). */
  readonly headerSize: number;
  /** Offset in the file where tensor data starts: 8 + N. */
  readonly dataStart: number;
  /** Bytes of tensor data: file size - 8 - N. */
  readonly dataSize: number;
  /** `__metadata__`, or undefined when the header has none. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** The tensors in data order (sorted by offset; header order for reference-written files). */
  readonly tensors: readonly TensorInfo[];
  /** The tensor called `name`, or undefined. */
  tensor(name: string): TensorInfo | undefined;
  /**
   * Reads the bytes of one tensor, and only those, from the source. What
   * comes back may be a view into the source's memory: copy before mutating.
   *
   * @throws ReparamError `SAFETENSORS_TENSOR_NOT_FOUND`, or `SAFETENSORS_TRUNCATED`
   *   when the source returns fewer bytes than asked.
   */
  readTensor(name: string): Promise<Uint8Array>;
  /**
   * Reads bytes `[start, end)` of one tensor's data (e.g. some output
   * channels of an OIHW kernel), and only those: into `into` (its first
   * end - start bytes, returned) when given and the source can fill a
   * caller's buffer, else into a fresh one.
   *
   * @throws ReparamError `SAFETENSORS_TENSOR_NOT_FOUND`, `SAFETENSORS_BAD_OFFSETS`
   *   for a range outside the tensor, `SAFETENSORS_TRUNCATED`.
   */
  readTensorBytes(name: string, start: number, end: number, into?: Uint8Array): Promise<Uint8Array>;
}

/**
 * Reads and validates the header of a safetensors file, reading nothing but
 * the 8-byte length and the header from `source`; tensor bytes are read later,
 * one tensor at a time, by {@link SafetensorsFile.readTensor}.
 *
 * Layout: u64 little-endian N, N bytes of UTF-8 JSON, then the data section.
 * See {@link decodeSafetensorsHeader} for what the header must satisfy.
 *
 * @throws ReparamError `SAFETENSORS_TRUNCATED` (under 8 bytes, or N past the
 *   end), `SAFETENSORS_HEADER_TOO_LARGE` (N > 100,000,000, e.g. 2^63), and the
 *   header's errors.
 */
export async function decodeSafetensors(
  source: ByteSource,
  options: DecodeSafetensorsOptions = {},
): Promise<SafetensorsFile> {
  const label = options.where ?? "safetensors";
  if (source.size < 8) {
    throw new ReparamError("SAFETENSORS_TRUNCATED", "file is too short for the 8-byte header length", {
      where: label,
      expected: "at least 8 bytes",
      found: `${source.size} bytes`,
    });
  }
  const prefix = await readExactly(source, 0, 8, label);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new ReparamError("SAFETENSORS_HEADER_TOO_LARGE", "header length is too large", {
      where: `${label} bytes 0-7`,
      expected: `at most ${MAX_HEADER_SIZE}`,
      found: String(n),
    });
  }
  const headerSize = Number(n);
  if (8 + headerSize > source.size) {
    throw new ReparamError("SAFETENSORS_TRUNCATED", "header length runs past the end of the file", {
      where: `${label} bytes 0-7`,
      expected: `at most ${source.size - 8} (file size - 8)`,
      found: String(headerSize),
    });
  }
  const dataStart = 8 + headerSize;
  const dataSize = source.size - dataStart;
  const header = await readExactly(source, 8, headerSize, label);
  const { metadata, tensors } = decodeSafetensorsHeader(header, dataSize, options);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {
    headerSize,
    dataStart,
    dataSize,
    metadata,
    tensors,
    tensor: (name) => byName.get(name),
    readTensor(name) {
      const t = find(name);
      return readExactly(source, dataStart + t.begin, t.end - t.begin, `${label} tensor ${JSON.stringify(name)}`);
    },
    readTensorBytes(name, start, end, into) {
      const t = find(name);
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(end) ||
        start < 0 ||
        start > end ||
        end > t.end - t.begin
      ) {
        throw new ReparamError("SAFETENSORS_BAD_OFFSETS", "byte range outside the tensor", {
          where: `${label} tensor ${JSON.stringify(name)}`,
          expected: `0 <= start <= end <= ${t.end - t.begin}`,
          found: `[${start}, ${end})`,
        });
      }
      const at = dataStart + t.begin + start;
      if (into !== undefined && source.readInto !== undefined && into.byteLength >= end - start) {
        const target = into.subarray(0, end - start);
        return source.readInto(at, target).then(() => target);
      }
      return readExactly(source, at, end - start, `${label} tensor ${JSON.stringify(name)}`);
    },
  };

  function find(name: string): TensorInfo {
    const t = byName.get(name);
    if (t === undefined) {
      throw new ReparamError("SAFETENSORS_TENSOR_NOT_FOUND", "no tensor of that name", {
        where: label,
        expected: `one of the file's ${tensors.length} tensors`,
        found: JSON.stringify(name),
      });
    }
    return t;
  }
}

async function readExactly(source: ByteSource, offset: number, length: number, where: string): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.byteLength !== length) {
    throw new ReparamError("SAFETENSORS_TRUNCATED", "the source returned fewer bytes than asked", {
      where: `${where} (bytes ${offset}-${offset + length})`,
      expected: `${length} bytes`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  return bytes;
}
