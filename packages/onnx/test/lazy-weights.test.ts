import { bytesSource, memoryOutput, reparameterize, type ByteSource } from "@reparam/core";
import { create } from "@bufbuild/protobuf";
import { AttributeProtoSchema, AttributeProto_AttributeType } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { decodeModel, encodeModel, onnxAdapter } from "../src/index.js";
import { decodeModelFrom } from "../src/codec/decode-model.js";
import { lazyData, rawBytes } from "../src/codec/lazy-data.js";

/** A source that counts the bytes read from it. */
function counting(bytes: Uint8Array): ByteSource & { readonly bytesRead: number } {
  const inner = bytesSource(bytes);
  let bytesRead = 0;
  return {
    size: inner.size,
    get bytesRead() {
      return bytesRead;
    },
    read(offset, length) {
      bytesRead += length;
      return inner.read(offset, length);
    },
    readInto(offset, target) {
      bytesRead += target.byteLength;
      return inner.readInto!(offset, target);
    },
  };
}

async function convert(bytes: Uint8Array, lazyBytes?: number): Promise<Uint8Array> {
  const out = memoryOutput("m.onnx");
  const input = { name: "m.onnx", main: bytesSource(bytes), open: () => Promise.reject(new Error("no siblings")) };
  await reparameterize(onnxAdapter, input, out, lazyBytes === undefined ? {} : { lazyBytes });
  return out.files.get("m.onnx")!;
}

const files = conformanceCases().flatMap((c) => [c.onnx.train, c.onnx.train_unfolded, c.onnx.deploy]);

describe("decodeModelFrom", () => {
  it.each(files)(
    "%s: leaves float weights of 256 bytes and more in the file, and reads them back as stored",
    async (file) => {
      const bytes = fixtureBytes(file);
      const source = counting(bytes);
      const lazy = await decodeModelFrom(source, file, 256);
      const whole = decodeModel(bytes);
      const left = lazy.graph!.initializer.filter((t) => lazyData(t) !== undefined);
      expect(left.length).toBeGreaterThan(0);
      const leftBytes = left.reduce((n, t) => n + lazyData(t)!.length, 0);
      // The structure is read through 64 KiB windows, one at most after each weight skipped: bounded, never a re-read per field.
      expect(leftBytes).toBeGreaterThan(0);
      expect(source.bytesRead).toBeLessThanOrEqual(bytes.byteLength + 64 * 1024 * (left.length + 1));
      for (const [i, t] of lazy.graph!.initializer.entries()) {
        const want = whole.graph!.initializer[i]!;
        expect(t.name).toBe(want.name);
        if (lazyData(t) !== undefined) expect(t.rawData.byteLength).toBe(0);
        expect(await rawBytes(t)).toEqual(want.rawData);
      }
    },
  );

  it("throws ONNX_TENSOR_SIZE naming a weight left in the file whose dims claim more than its raw_data holds", async () => {
    const model = decodeModel(fixtureBytes(conformanceCases()[0]!.onnx.train));
    const t = model.graph!.initializer.find((i) => i.dims.length === 4 && i.rawData.byteLength >= 256)!;
    t.dims = [1_000_000_000n, ...t.dims.slice(1)] as unknown as typeof t.dims;
    await expect(decodeModelFrom(bytesSource(encodeModel(model)), "m.onnx", 256)).rejects.toMatchObject({
      code: "ONNX_TENSOR_SIZE",
      message: expect.stringContaining(`'${t.name}'`),
    });
  });
});

describe("decodeModelFrom on int64 values", () => {
  it("reads varint fields past 2^53 (a Slice end of 2^63 - 1, as PyTorch exports write) as decodeModel does", async () => {
    const model = decodeModel(fixtureBytes(conformanceCases()[0]!.onnx.train));
    const node = model.graph!.node[0]!;
    node.attribute.push(
      create(AttributeProtoSchema, { name: "ends_like", type: AttributeProto_AttributeType.INT, i: 2n ** 63n - 1n }),
    );
    const bytes = encodeModel(model);
    const lazy = await decodeModelFrom(bytesSource(bytes), "m.onnx", 256);
    expect(lazy.graph!.node[0]!.attribute.at(-1)!.i).toBe(2n ** 63n - 1n);
    expect(encodeModel(lazy).byteLength).toBeLessThan(bytes.byteLength);
  });
});

describe("onnxAdapter with weights left in the file", () => {
  it.each(conformanceCases().flatMap((c) => [c.onnx.train, c.onnx.train_unfolded, c.onnx.deploy]))(
    "%s: writes the same bytes as with every weight read at decode",
    async (file) => {
      const bytes = fixtureBytes(file);
      const eager = await convert(bytes, Number.MAX_SAFE_INTEGER);
      expect(await convert(bytes, 256)).toEqual(eager);
      expect(await convert(bytes)).toEqual(eager);
    },
  );
});
