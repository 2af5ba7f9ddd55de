// pnpm --filter @reparam-tools/models families: writes fixtures/families-tfjs/<case>/{graph,layers}/
// from tools/conformance/fixtures/families (manifest.json, <case>.train.safetensors).
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { isReparamError } from "@reparam/core";
import { fileSink } from "../emit/file-sink.js";
import { emitFamilyTfjs } from "./emit-family-tfjs.js";
import { type FamilyCase, familyNet } from "./family-nets.js";
import { readStateDict } from "./read-state-dict.js";

const root = new URL("../../../", import.meta.url).pathname;
const fixtures = join(root, "conformance/fixtures/families");
const out = join(root, "models/fixtures/families-tfjs");

const manifest = JSON.parse(await readFile(join(fixtures, "manifest.json"), "utf8")) as {
  cases: (FamilyCase & { output: { shape: number[] } })[];
};
for (const c of manifest.cases) {
  const dict = await readStateDict(await readFile(join(fixtures, `${c.name}.train.safetensors`)));
  const net = familyNet(c, dict);
  const o = c.output.shape;
  const outShape = o.length === 4 ? [o[0]!, o[2]!, o[3]!, o[1]!] : o;
  for (const format of ["graph", "layers"] as const) {
    const dir = join(out, c.name, format);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    try {
      await emitFamilyTfjs(net, dict, format, outShape, (p) => fileSink(join(dir, p)));
      console.log(`${c.name} ${format}`);
    } catch (e) {
      if (!isReparamError(e) || e.code !== "MODELS_UNSUPPORTED") throw e;
      await rm(dir, { recursive: true, force: true });
      console.log(`${c.name} ${format}: skipped (${e.message})`);
    }
  }
}
