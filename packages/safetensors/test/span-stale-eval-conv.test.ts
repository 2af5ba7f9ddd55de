import { bytesSource } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { convertBytes } from "./_memory-io.js";

const span = familyCases("families2").find((c) => c.name === "span_conv3xc")!;

/** The SPAN fixture with every `eval_conv` value replaced by NaN. */
async function nanEvalConv(): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(fixtureBytes(span.safetensors.train)));
  const entries = entriesFromFile(file).map((e) =>
    e.name.includes(".eval_conv.")
      ? {
          ...e,
          data: async () =>
            new Uint8Array(new Float32Array((await file.readTensor(e.name)).length / 4).fill(Number.NaN).buffer),
        }
      : e,
  );
  return encodeSafetensorsBytes(entries, { metadata: file.metadata });
}

describe("SPAN's eval_conv in a training checkpoint", () => {
  it("is recomputed from the branches, never read: NaN there gives the same bytes", async () => {
    const clean = await convertBytes(fixtureBytes(span.safetensors.train));
    const stale = await convertBytes(await nanEvalConv());
    expect(stale.report.fused.length).toBe(span.blocks);
    expect(Buffer.from(stale.bytes).equals(Buffer.from(clean.bytes))).toBe(true);
  });

  it("is the deploy conv's name: a checkpoint without it gets the same output", async () => {
    const file = await decodeSafetensors(bytesSource(fixtureBytes(span.safetensors.train)));
    const without = await encodeSafetensorsBytes(
      entriesFromFile(file).filter((e) => !e.name.includes(".eval_conv.")),
      { metadata: file.metadata },
    );
    const a = await convertBytes(fixtureBytes(span.safetensors.train));
    const b = await convertBytes(without);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
  });
});
