// pnpm --filter @reparam-tools/models families2: writes fixtures/families2-tfjs/<case>/graph[-bn]/
// from tools/conformance/fixtures/families2 (manifest.json, <case>.train_unfolded.onnx, <case>.train.safetensors).
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileSink } from "../emit/file-sink.js";
import { emitFamilyTfjs } from "./emit-family-tfjs.js";
import { FAMILIES2_TFJS, families2Cases, family2Net, nhwcShape, variantsOf } from "./families2.js";

const out = new URL("../../fixtures/families2-tfjs/", import.meta.url).pathname;

for (const c of (await families2Cases()).filter((c) => FAMILIES2_TFJS.includes(c.name))) {
  for (const variant of variantsOf(c.name)) {
    const { net, dict } = await family2Net(c, variant === "graph");
    const dir = join(out, c.name, variant);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await emitFamilyTfjs(net, dict, "graph", nhwcShape(c.output.shape), (p) => fileSink(join(dir, p)));
    console.log(`${c.name} ${variant}`);
  }
}
