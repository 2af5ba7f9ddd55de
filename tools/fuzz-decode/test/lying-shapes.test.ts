import { decodeUtf8, encodeUtf8 } from "@reparam/core";
import { decodeModel, encodeModel } from "@reparam/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADAPTERS,
  type FuzzFormat,
  type ModelFiles,
  fuzzInput,
  mainBytes,
  seedCorpus,
  withFile,
} from "../src/index.js";
import { concat } from "../src/protobuf-scan.js";

// Issue #13's example: dims that claim 10^9 x 32 x 3 x 3 over the data of a small kernel.
const LIE = [1_000_000_000, 32, 3, 3];

let corpus: ModelFiles[] = [];
beforeAll(async () => {
  corpus = await seedCorpus();
});
const byLabel = (label: string) => corpus.find((m) => m.label === label)!;

/** Decodes; the error's code and message (the model must not decode). */
async function refusal(format: FuzzFormat, model: ModelFiles): Promise<[string | undefined, string]> {
  try {
    await ADAPTERS[format].decode(fuzzInput(model), {});
  } catch (e) {
    return [(e as { code?: string }).code, String((e as Error).message)];
  }
  return ["decoded", ""];
}

describe("each adapter's decode, on a tensor whose declared shape does not match its stored data", () => {
  it.each(["generated onnx", "generated onnx external data"])(
    "%s: refuses lying dims, naming the tensor",
    async (label) => {
      const m = byLabel(label);
      const proto = decodeModel(mainBytes(m).slice());
      const t = proto.graph!.initializer.find((i) => i.dims.length === 4)!;
      t.dims = LIE.map(BigInt) as typeof t.dims;
      const [code, message] = await refusal("onnx", withFile(m, m.name, encodeModel(proto)));
      expect(code).toBe("ONNX_TENSOR_SIZE");
      expect(message).toContain(`'${t.name}'`);
    },
  );

  it("refuses an onnx external data length entry that disagrees with the dims, naming the tensor", async () => {
    const m = byLabel("generated onnx external data");
    const proto = decodeModel(mainBytes(m).slice());
    const t = proto.graph!.initializer.find((i) => i.externalData.some((e) => e.key === "length"))!;
    t.externalData.find((e) => e.key === "length")!.value = "36864";
    const [code, message] = await refusal("onnx", withFile(m, m.name, encodeModel(proto)));
    expect(code).toBe("ONNX_TENSOR_SIZE");
    expect(message).toContain(`'${t.name}'`);
  });

  it.each(["generated safetensors", "generated safetensors sharded"])(
    "%s: refuses a lying header shape, naming the tensor",
    async (label) => {
      const m = byLabel(label);
      const path = [...m.files.keys()].find((p) => p.endsWith(".safetensors"))!;
      const bytes = m.files.get(path)!;
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
      const header = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + n))) as Record<string, { shape: number[] }>;
      const name = Object.keys(header).find((k) => header[k]!.shape?.length === 4)!;
      header[name]!.shape = LIE;
      const text = JSON.stringify(header);
      const padded = encodeUtf8(text.padEnd(Math.ceil(text.length / 8) * 8, " "));
      const size = new Uint8Array(8);
      new DataView(size.buffer).setBigUint64(0, BigInt(padded.length), true);
      const [code, message] = await refusal(
        "safetensors",
        withFile(m, path, concat(size, padded, bytes.subarray(8 + n))),
      );
      expect(code).toBe("SAFETENSORS_SIZE_MISMATCH");
      expect(message).toContain(JSON.stringify(name));
    },
  );

  it.each(["generated tfjs layers sharded", "generated tfjs graph sharded"])(
    "%s: refuses a lying manifest shape, naming the tensor",
    async (label) => {
      const m = byLabel(label);
      const json = JSON.parse(decodeUtf8(mainBytes(m))) as {
        weightsManifest: { weights: { name: string; shape: number[] }[] }[];
      };
      const w = json.weightsManifest[0]!.weights.find((x) => x.shape.length === 4)!;
      w.shape = LIE;
      const [code, message] = await refusal("tfjs", withFile(m, m.name, encodeUtf8(JSON.stringify(json))));
      expect(code).toBe("TFJS_SHARD_SIZE");
      expect(message).toContain(`weight ${JSON.stringify(w.name)} [${LIE.join(", ")}]`);
    },
  );
});
