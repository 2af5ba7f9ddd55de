import { collectSink } from "@reparam/core";
import { decodeModel, encodeModel, externalizeTensors } from "@reparam/onnx";
import type { BufferFile } from "./page-driver.js";

/** An ONNX model with every initializer of 1 KiB or more moved to `<name>.data` beside it. */
export async function withExternalData(name: string, bytes: Uint8Array): Promise<BufferFile[]> {
  const model = decodeModel(bytes);
  const sink = collectSink();
  await externalizeTensors(model, { location: `${name}.data` }, sink);
  return [
    { name, buffer: Buffer.from(encodeModel(model)) },
    { name: `${name}.data`, buffer: Buffer.from(sink.bytes()) },
  ];
}

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly data_offsets: [number, number];
}

function safetensorsFile(entries: readonly [string, HeaderEntry, Uint8Array][]): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const [name, e, data] of entries) {
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([size, Buffer.from(json), ...entries.map(([, , d]) => d)]);
}

/**
 * A safetensors checkpoint split into two shards and an index
 * (`model.safetensors.index.json`, `weight_map`), the tensors whose name
 * `second` accepts in the second shard.
 */
export function sharded(bytes: Buffer, second: (name: string) => boolean): BufferFile[] {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Record<string, HeaderEntry>;
  const names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"];
  const shards: [string, HeaderEntry, Uint8Array][][] = [[], []];
  const weightMap: Record<string, string> = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const i = second(name) ? 1 : 0;
    shards[i]!.push([name, e, bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1])]);
    weightMap[name] = names[i]!;
  }
  const index = { metadata: { total_size: bytes.length - 8 - n }, weight_map: weightMap };
  return [
    { name: "model.safetensors.index.json", buffer: Buffer.from(JSON.stringify(index, null, 2)) },
    ...shards.map((s, i) => ({ name: names[i]!, buffer: safetensorsFile(s) })),
  ];
}
