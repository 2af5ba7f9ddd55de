import { bytesSource } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { convertBytes } from "./_memory-io.js";
import { tensorsOf } from "./_rename.js";

const orepa = familyCases("families2").find((c) => c.name === "orepa")!;

/** The OREPA fixture with the tensor `key` set to zeros. */
async function zeroed(key: string): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(fixtureBytes(orepa.safetensors.train)));
  const entries = entriesFromFile(file).map((e) =>
    e.name === key ? { ...e, data: async () => new Uint8Array((await file.readTensor(key)).length) } : e,
  );
  return encodeSafetensorsBytes(entries, { metadata: file.metadata });
}

describe("OREPA's saved buffers", () => {
  for (const buffer of ["id_tensor", "weight_orepa_prior", "weight_orepa_avg_avg"]) {
    it(`reads ${buffer} as stored: zeroed in blocks.2, only blocks.2's deploy weight changes`, async () => {
      const a = await tensorsOf((await convertBytes(fixtureBytes(orepa.safetensors.train))).bytes);
      const b = await tensorsOf((await convertBytes(await zeroed(`blocks.2.${buffer}`))).bytes);
      expect([...b.keys()]).toEqual([...a.keys()]);
      const changed = [...a.keys()].filter((k) => !Buffer.from(a.get(k)!.bytes).equals(Buffer.from(b.get(k)!.bytes)));
      expect(changed).toEqual(["blocks.2.orepa_reparam.weight"]);
    });
  }
});
