import { type ByteSource, bytesSource, isReparamError, encodeUtf8 } from "@reparam/core";
import { expect } from "vitest";

/** A safetensors file from raw header text (unpadded unless the text is) and `dataSize` data bytes (0, 1, 2, ...). */
export function makeFile(header: string | Uint8Array, dataSize: number, headerSize?: bigint): Uint8Array {
  const json = typeof header === "string" ? encodeUtf8(header) : header;
  const out = new Uint8Array(8 + json.byteLength + dataSize);
  new DataView(out.buffer).setBigUint64(0, headerSize ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  for (let i = 0; i < dataSize; i++) out[8 + json.byteLength + i] = i & 0xff;
  return out;
}

/** A source over `makeFile(...)`. */
export function sourceOf(header: string | Uint8Array, dataSize: number, headerSize?: bigint): ByteSource {
  return bytesSource(makeFile(header, dataSize, headerSize));
}

/** Awaits `action` and checks it throws a ReparamError with `code` that says where, expected and found. */
export async function expectCode(action: () => unknown, code: string): Promise<void> {
  let error: unknown;
  try {
    await action();
  } catch (e) {
    error = e;
  }
  expect(isReparamError(error), `expected ReparamError ${code}, got ${String(error)}`).toBe(true);
  if (!isReparamError(error)) return;
  expect(error.code, error.message).toBe(code);
  expect(error.where).toBeTruthy();
  expect(error.expected).toBeTruthy();
  expect(error.found).toBeTruthy();
}
