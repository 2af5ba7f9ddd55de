import { bytesSource, collectSink } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { expectCode } from "./_make-file.js";

const data = Uint8Array.from({ length: 24 }, (_, i) => i);

async function* chunks(sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const n of sizes) {
    yield Uint8Array.from({ length: n }, (_, i) => data[at + i] ?? 0);
    at += n;
  }
}

describe("encodeSafetensors with chunked tensor data", () => {
  it("writes the same bytes as whole data", async () => {
    const whole = await encodeSafetensorsBytes([{ name: "w", dtype: "F32", shape: [2, 3], data }]);
    const chunked = await encodeSafetensorsBytes([
      { name: "w", dtype: "F32", shape: [2, 3], data: () => Promise.resolve(chunks([5, 0, 12, 7])) },
    ]);
    expect(chunked).toEqual(whole);
  });
  it("refuses chunks that run past the tensor or stop short", async () => {
    const sink = collectSink();
    await expectCode(
      () =>
        encodeSafetensors(
          [{ name: "w", dtype: "F32", shape: [2, 3], data: () => Promise.resolve(chunks([12, 12, 4])) }],
          {},
          sink,
        ),
      "SAFETENSORS_SIZE_MISMATCH",
    );
    await expectCode(
      () =>
        encodeSafetensors(
          [{ name: "w", dtype: "F32", shape: [2, 3], data: () => Promise.resolve(chunks([12, 8])) }],
          {},
          sink,
        ),
      "SAFETENSORS_SIZE_MISMATCH",
    );
  });
});

describe("SafetensorsFile.readTensorBytes", () => {
  it("reads a byte range of one tensor, and refuses one outside it", async () => {
    const bytes = await encodeSafetensorsBytes([
      { name: "a", dtype: "U8", shape: [3], data: Uint8Array.of(9, 9, 9) },
      { name: "w", dtype: "F32", shape: [2, 3], data },
    ]);
    const file = await decodeSafetensors(bytesSource(bytes));
    expect(await file.readTensorBytes("w", 12, 24)).toEqual(data.subarray(12, 24));
    expect(await file.readTensorBytes("w", 4, 4)).toEqual(new Uint8Array());
    await expectCode(() => file.readTensorBytes("w", 12, 25), "SAFETENSORS_BAD_OFFSETS");
    await expectCode(() => file.readTensorBytes("w", 5, 4), "SAFETENSORS_BAD_OFFSETS");
    await expectCode(() => file.readTensorBytes("x", 0, 1), "SAFETENSORS_TENSOR_NOT_FOUND");
  });
});
