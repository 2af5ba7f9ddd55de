import { bytesSource } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { convertBytes } from "./_memory-io.js";
import { tensorsOf } from "./_rename.js";

const nextvit = familyCases("families2").find((c) => c.name === "nextvit_prebn")!;

/** The Next-ViT fixture with a NaN in `key` (first value). */
async function withNaN(key: string): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(fixtureBytes(nextvit.safetensors.train)));
  const entries = entriesFromFile(file).map((e) => {
    if (e.name !== key) return e;
    return {
      ...e,
      data: async () => {
        const bytes = (await file.readTensor(key)).slice();
        new DataView(bytes.buffer).setFloat32(0, Number.NaN, true);
        return bytes;
      },
    };
  });
  return encodeSafetensorsBytes(entries, { metadata: file.metadata });
}

describe("Next-ViT's norm1, one BatchNorm in front of e_mhsa.q, k and v", () => {
  it("keeps q, k and v unfused, and norm1 and e_mhsa.norm, when v is refused (one group)", async () => {
    const input = await withNaN("stages.0.1.e_mhsa.v.bias");
    const { report, bytes } = await convertBytes(input);
    expect(report.refused.map((r) => r.reason)).toEqual(["NON_FINITE"]);
    expect(report.skipped.length).toBe(2);
    expect(report.skipped[0]?.why).toContain("fuses only with the other blocks of group");
    expect(report.fused.length).toBe(nextvit.blocks - 3);
    const before = await tensorsOf(input);
    const after = await tensorsOf(bytes);
    for (const k of [...before.keys()].filter((n) => /^stages\.0\.1\.(norm1|e_mhsa\.(norm|q|k|v))\./.test(n)))
      expect(after.get(k), k).toEqual(before.get(k));
    expect([...after.keys()].some((n) => n.startsWith("stages.0.1.norm2."))).toBe(false);
  });

  it("is dropped when q, k and v all fuse", async () => {
    const { bytes } = await convertBytes(fixtureBytes(nextvit.safetensors.train));
    const keys = [...(await tensorsOf(bytes)).keys()];
    expect(keys.filter((n) => /^stages\.\d+\.\d+\.(norm|norm1|norm2|e_mhsa\.norm)\./.test(n))).toEqual([]);
    expect(keys.filter((n) => n.startsWith("stages.0.1.patch_embed.norm.")).length).toBe(5);
  });
});
