import { type ByteSink, type ModelOutput, memoryInput, reparameterize } from "@reparam/core";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { safetensorsAdapter } from "../src/index.js";
import { convertBytes } from "./_memory-io.js";
import { repvggBlock, stateDict } from "./_state-dict.js";

/**
 * An output whose files take their chunks' bytes only later, as a disk
 * does: a chunk is copied when the next chunk arrives or when `flushed` is
 * asked (so a writer that fills a chunk's memory again before `flushed`
 * says it may, corrupts the file). Counts the chunks still held.
 */
function lateOutput(): ModelOutput & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    name: "model.safetensors",
    files,
    async create(rel) {
      const parts: Uint8Array[] = [];
      let held: Uint8Array[] = [];
      const take = () => {
        for (const c of held) parts.push(c.slice());
        held = [];
      };
      const sink: ByteSink & { close(): Promise<void> } = {
        async write(chunk) {
          await new Promise((r) => setTimeout(r, 0));
          take(); // the chunks before this one reach the "disk" only now
          held.push(chunk);
        },
        async flushed() {
          await new Promise((r) => setTimeout(r, 0));
          take();
        },
        async close() {
          take();
          files.set(rel, Uint8Array.from(parts.flatMap((p) => [...p])));
        },
      };
      return sink;
    },
  };
}

describe("fused windows written through a file-like sink", () => {
  it("writes the bytes of whole-block fusion while window buffers are filled again (flushed honoured)", async () => {
    const rand = seededRandom(11);
    const bytes = await stateDict({
      ...repvggBlock("stage1.0.", 8, 16, false, rand),
      ...repvggBlock("stage1.1.", 16, 16, true, rand),
      ...repvggBlock("stage1.2.", 16, 16, true, rand),
    });
    const whole = await convertBytes(bytes);
    const output = lateOutput();
    const input = memoryInput("model.safetensors", bytes, { "model.safetensors": bytes });
    // 16 x 16 x 9 float32 rows: 576 bytes each; windows of 2 rows, so each block takes 8 windows and buffers cycle.
    const report = await reparameterize(safetensorsAdapter, input, output, { fuseChunkBytes: 1200 });
    expect(report.fused.length).toBe(3);
    const written = output.files.get("model.safetensors")!;
    expect(written.length).toBe(whole.bytes.length);
    expect(Buffer.from(written).equals(Buffer.from(whole.bytes))).toBe(true);
  });
});
