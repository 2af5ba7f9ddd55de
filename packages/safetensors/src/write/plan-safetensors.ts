import { ReparamError, compareCodePoints, encodeUtf8, isWellFormed } from "@reparam/core";
import { headerJson } from "../codec/_header-json.js";
import { MAX_HEADER_SIZE } from "../detect-safetensors.js";
import { SAFETENSORS_DTYPES, type SafetensorsDtype, isSafetensorsDtype } from "../codec/dtype.js";
import { tensorByteLength } from "../codec/tensor-byte-length.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/** A tensor to be written, without its bytes. */
export interface SafetensorsTensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/** The layout of a safetensors file before any tensor byte is written. */
export interface SafetensorsPlan {
  /** The first `8 + headerSize` bytes of the file: u64 LE N, then the padded JSON header. */
  readonly header: Uint8Array;
  /** N: JSON header length, a multiple of 8. */
  readonly headerSize: number;
  /** Total bytes of tensor data. */
  readonly dataSize: number;
  /** Size of the whole file: 8 + N + dataSize. */
  readonly fileSize: number;
  /** The tensors in the order their bytes are written, with their offsets. */
  readonly tensors: readonly TensorInfo[];
}

/**
 * Lays out a safetensors file exactly as the reference writer does: tensors
 * sorted by dtype rank descending (the reference's `Dtype` enum order, see
 * {@link SAFETENSORS_DTYPES}), then by name in code-point order; data packed
 * with no gaps in that order; a compact JSON header with `__metadata__` first
 * (only when given), each entry's keys in the order dtype, shape,
 * data_offsets; the header padded with spaces to a multiple of 8.
 * Metadata keys keep the object's own enumeration order.
 *
 * @throws ReparamError `SAFETENSORS_BAD_ENTRY` (bad or reserved name),
 *   `SAFETENSORS_DUPLICATE_KEY`, `SAFETENSORS_UNKNOWN_DTYPE`, `SAFETENSORS_BAD_SHAPE`,
 *   `SAFETENSORS_BAD_METADATA`, `SAFETENSORS_HEADER_TOO_LARGE`.
 */
export function planSafetensors(
  tensors: readonly SafetensorsTensorSpec[],
  metadata?: Readonly<Record<string, string>>,
): SafetensorsPlan {
  if (metadata !== undefined) checkMetadata(metadata);
  const seen = new Set<string>();
  for (const t of tensors) checkSpec(t, seen);
  const sorted = [...tensors].sort(
    (a, b) => SAFETENSORS_DTYPES[b.dtype].rank - SAFETENSORS_DTYPES[a.dtype].rank || compareCodePoints(a.name, b.name),
  );
  let offset = 0;
  const infos: TensorInfo[] = sorted.map((t) => {
    const length = tensorByteLength(t.dtype, t.shape, `tensor ${JSON.stringify(t.name)}`);
    const begin = offset;
    offset += length;
    if (!Number.isSafeInteger(offset)) {
      throw new ReparamError("SAFETENSORS_BAD_SHAPE", "total tensor data is too large", {
        where: `tensor ${JSON.stringify(t.name)}`,
        expected: "at most 2^53 - 1 bytes of data",
        found: `more (${begin} + ${length})`,
      });
    }
    return { name: t.name, dtype: t.dtype, shape: [...t.shape], begin, end: offset };
  });
  const json = encodeUtf8(headerJson(metadata, infos));
  const headerSize = Math.ceil(json.byteLength / 8) * 8;
  if (headerSize > MAX_HEADER_SIZE) {
    throw new ReparamError("SAFETENSORS_HEADER_TOO_LARGE", "the header would be too large", {
      where: "header",
      expected: `at most ${MAX_HEADER_SIZE} bytes`,
      found: `${headerSize} bytes for ${infos.length} tensors`,
    });
  }
  const header = new Uint8Array(8 + headerSize).fill(0x20);
  new DataView(header.buffer).setBigUint64(0, BigInt(headerSize), true);
  header.set(json, 8);
  return { header, headerSize, dataSize: offset, fileSize: 8 + headerSize + offset, tensors: infos };
}

function checkSpec(t: SafetensorsTensorSpec, seen: Set<string>): void {
  if (typeof t.name === "string" && !seen.has(t.name) && isSafetensorsDtype(t.dtype) && Array.isArray(t.shape)) {
    if (t.name !== "__metadata__" && isWellFormed(t.name)) {
      seen.add(t.name);
      return;
    }
  }
  // Slow path, only to say what is wrong.
  const where = `tensor ${JSON.stringify(t.name)}`;
  if (typeof t.name !== "string" || !isWellFormed(t.name) || t.name === "__metadata__") {
    throw new ReparamError("SAFETENSORS_BAD_ENTRY", "tensor name is not usable", {
      where,
      expected: 'a well-formed string other than "__metadata__"',
      found: typeof t.name === "string" ? JSON.stringify(t.name) : typeof t.name,
    });
  }
  if (seen.has(t.name)) {
    throw new ReparamError("SAFETENSORS_DUPLICATE_KEY", "two tensors have the same name", {
      where,
      expected: "unique tensor names",
      found: `${JSON.stringify(t.name)} twice`,
    });
  }
  seen.add(t.name);
  if (!isSafetensorsDtype(t.dtype)) {
    throw new ReparamError("SAFETENSORS_UNKNOWN_DTYPE", "unknown dtype", {
      where: `${where} dtype`,
      expected: `one of ${Object.keys(SAFETENSORS_DTYPES).join(", ")}`,
      found: JSON.stringify(t.dtype),
    });
  }
  if (!Array.isArray(t.shape)) {
    throw new ReparamError("SAFETENSORS_BAD_SHAPE", "shape is not an array", {
      where: `${where} shape`,
      expected: "an array of non-negative integers",
      found: typeof t.shape,
    });
  }
}

function checkMetadata(metadata: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string" || !isWellFormed(key) || !isWellFormed(value)) {
      throw new ReparamError("SAFETENSORS_BAD_METADATA", "metadata must map well-formed strings to strings", {
        where: `__metadata__ ${JSON.stringify(key)}`,
        expected: "a string",
        found: typeof value === "string" ? "a string with a lone surrogate" : typeof value,
      });
    }
  }
}
