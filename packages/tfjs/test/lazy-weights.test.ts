import { reparameterize } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { decodeWeights, tfjsAdapter } from "../src/index.js";
import { isLazyWeight, loadedWeight } from "../src/codec/lazy-weight.js";
import type { TfjsFiles } from "../src/codec/tfjs-files.js";
import { tfjsCases, variantSource, VARIANTS } from "./fixtures.js";
import { memoryOutput, modelInput } from "./model-io.js";

async function convert(c: ReturnType<typeof tfjsCases>[number], variant: (typeof VARIANTS)[number], lazyBytes: number) {
  const out = memoryOutput();
  await reparameterize(tfjsAdapter, modelInput(variantSource(c, variant)), out, { lazyBytes });
  return out.files;
}

describe("decodeWeights", () => {
  it("leaves float weights of lazyBytes and more in their shards and reads them back as stored", async () => {
    const c = tfjsCases()[0]!;
    const src = variantSource(c, "layers-sharded");
    const manifest = JSON.parse(new TextDecoder().decode(src.modelJson)).weightsManifest;
    const files: TfjsFiles = {
      read: (p) => src.files.read(p),
      open: async (p) => {
        const bytes = await src.files.read(p);
        return { size: bytes.byteLength, read: (o, n) => Promise.resolve(bytes.subarray(o, o + n)) };
      },
    };
    const eager = await decodeWeights(manifest, { read: (p) => src.files.read(p) });
    const lazy = await decodeWeights(manifest, files, 256);
    expect(lazy.some(isLazyWeight)).toBe(true);
    for (const [i, w] of lazy.entries()) {
      if (isLazyWeight(w)) expect(w.bytes.byteLength).toBe(0);
      expect((await loadedWeight(w)).bytes).toEqual(eager[i]!.bytes);
    }
  });
});

describe("tfjsAdapter with weights left in their shards", () => {
  it.each(tfjsCases().flatMap((c) => VARIANTS.map((v) => [c.name, v, c] as const)))(
    "%s (%s): writes the same files as with every weight read at decode",
    async (_name, variant, c) => {
      const eager = await convert(c, variant, Number.MAX_SAFE_INTEGER);
      const lazy = await convert(c, variant, 256);
      expect([...lazy.keys()].sort()).toEqual([...eager.keys()].sort());
      for (const [name, bytes] of eager) expect(lazy.get(name), name).toEqual(bytes);
    },
  );
});
