import { reparameterize } from "@reparam/core";
import { errorCodeOf } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel, onnxAdapter } from "../src/index.js";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { memoryInput, memoryOutput } from "./_convert.js";

const fixture = fixtureBytes(conformanceCases()[0]!.onnx.train);

/** The fixture with its first 4-d float initializer's dims replaced (its raw_data untouched). */
function lyingDims(dims: (proto: bigint[]) => bigint[]): { bytes: Uint8Array; name: string } {
  const model = decodeModel(fixture);
  const t = model.graph!.initializer.find((i) => i.dims.length === 4)!;
  t.dims = dims(t.dims.map(BigInt)) as unknown as typeof t.dims;
  return { bytes: encodeModel(model), name: t.name };
}

describe("onnx adapter: a tensor whose data does not match its dims", () => {
  it("refuses dims claiming 10^9 x the data at decode (issue #13's 288 billion parameters)", async () => {
    const { bytes, name } = lyingDims(([, ...rest]) => [1_000_000_000n, ...rest]);
    const output = memoryOutput();
    const e = await reparameterize(onnxAdapter, memoryInput("model.onnx", bytes), output, {}).catch((x: unknown) => x);
    expect((e as { code?: string }).code).toBe("ONNX_TENSOR_SIZE");
    expect(String(e)).toContain(`tensor '${name}'`);
    expect(output.created).toEqual([]);
  });

  it.each([
    ["one element short", (d: bigint[]) => [d[0]! - 1n, ...d.slice(1)]],
    ["a zero dim", (d: bigint[]) => [0n, ...d.slice(1)]],
    ["an overflowing product", (d: bigint[]) => [2n ** 40n, 2n ** 40n, ...d.slice(2)]],
  ])("refuses %s at decode (ONNX_TENSOR_SIZE)", async (_, dims) => {
    const { bytes } = lyingDims(dims);
    expect(await errorCodeOf(onnxAdapter.decode(memoryInput("model.onnx", bytes), {}))).toBe("ONNX_TENSOR_SIZE");
  });
});
