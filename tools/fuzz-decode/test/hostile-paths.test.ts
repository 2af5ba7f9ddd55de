import { decodeUtf8, encodeUtf8 } from "@reparam/core";
import { decodeModel, encodeModel } from "@reparam/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADAPTERS,
  HOSTILE_PATHS,
  type FuzzFormat,
  type ModelFiles,
  fuzzInput,
  mainBytes,
  seedCorpus,
  withFile,
} from "../src/index.js";

const TRICKS = HOSTILE_PATHS.filter((p) => p !== "outside-link.bin");
const EMPTY = new Set(["", ".", "./"]);
// Protobuf strings are UTF-8: a lone surrogate is written as U+FFFD, a plain (missing) file name.
const LONE_SURROGATE = "\uD800.bin";
let corpus: ModelFiles[] = [];
beforeAll(async () => {
  corpus = await seedCorpus();
});
const byLabel = (label: string) => corpus.find((m) => m.label === label)!;

/** Decodes through the adapter; the error code, and the paths it asked the host for that it should have refused. */
async function decodeCode(format: FuzzFormat, model: ModelFiles): Promise<{ code: string; unchecked: string[] }> {
  const input = fuzzInput(model);
  try {
    await ADAPTERS[format].decode(input, {});
    return { code: "decoded", unchecked: input.unchecked };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? String(e), unchecked: input.unchecked };
  }
}

describe("each adapter, on paths a model names that leave its folder", () => {
  it.each(TRICKS)("refuses the onnx external data location %j before the host is asked", async (path) => {
    const m = byLabel("generated onnx external data");
    const proto = decodeModel(mainBytes(m).slice());
    for (const t of proto.graph!.initializer) for (const e of t.externalData) if (e.key === "location") e.value = path;
    const r = await decodeCode("onnx", withFile(m, m.name, encodeModel(proto)));
    const code = EMPTY.has(path)
      ? "ONNX_EXTERNAL_BAD_ENTRY"
      : path === LONE_SURROGATE
        ? "HOST_FILE_NOT_FOUND"
        : "ONNX_EXTERNAL_PATH_ESCAPE";
    expect(r).toEqual({ code, unchecked: [] });
  });

  it.each(TRICKS)("refuses the safetensors index shard name %j before the host is asked", async (path) => {
    const m = byLabel("generated safetensors sharded");
    const index = JSON.parse(decodeUtf8(mainBytes(m))) as { weight_map: Record<string, string> };
    const first = Object.keys(index.weight_map)[0]!;
    index.weight_map[first] = path;
    const r = await decodeCode("safetensors", withFile(m, m.name, encodeUtf8(JSON.stringify(index))));
    // A lone surrogate is not even valid JSON text for the strict parser.
    const code = path === LONE_SURROGATE ? "SAFETENSORS_BAD_INDEX" : "SAFETENSORS_PATH_ESCAPE";
    expect(r).toEqual({ code, unchecked: [] });
  });

  it.each(TRICKS)("refuses the tfjs manifest path %j before the host is asked", async (path) => {
    const m = byLabel("generated tfjs layers sharded");
    const json = JSON.parse(decodeUtf8(mainBytes(m))) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0]!.paths[1] = path;
    const r = await decodeCode("tfjs", withFile(m, m.name, encodeUtf8(JSON.stringify(json))));
    expect(r).toEqual({ code: "TFJS_PATH_ESCAPE", unchecked: [] });
  });
});
