/// <reference types="node" />
// fixtures/families2-tfjs is what `pnpm families2` writes: each committed model comes again byte for byte from the
// families2 fixtures (train graph and upstream train weights). That TF.js computes output.bin with them, before and
// after conversion, is packages/tfjs/test/graph-families2.test.ts.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitFamilyTfjs } from "../src/families/emit-family-tfjs.js";
import { FAMILIES2_TFJS, families2Cases, family2Net, nhwcShape, variantsOf } from "../src/families/families2.js";
import { emitted } from "./run-tfjs.js";

const generated = new URL("../fixtures/families2-tfjs/", import.meta.url).pathname;
const cases = (await families2Cases()).filter((c) => FAMILIES2_TFJS.includes(c.name));

describe("families2-tfjs fixtures", () => {
  it("holds exactly the cases and variants the generator writes", async () => {
    const dirs = (await readdir(generated, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.sort()).toEqual(cases.map((c) => c.name).sort());
    for (const c of cases) {
      const variants = (await readdir(join(generated, c.name))).sort();
      expect(variants).toEqual([...variantsOf(c.name)].sort());
    }
  });

  for (const c of cases)
    for (const variant of variantsOf(c.name))
      it(`regenerates ${c.name}'s ${variant} model byte for byte`, async () => {
        const { net, dict } = await family2Net(c, variant === "graph");
        const files = await emitted((open) => emitFamilyTfjs(net, dict, "graph", nhwcShape(c.output.shape), open));
        const dir = join(generated, c.name, variant);
        expect([...files.keys()].sort()).toEqual((await readdir(dir)).sort());
        for (const [path, bytes] of files)
          expect(Buffer.from(bytes).equals(await readFile(join(dir, path))), path).toBe(true);
      });
});
