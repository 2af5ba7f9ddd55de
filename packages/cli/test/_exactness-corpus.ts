// The corpus of correct conversions `verify` must pass: every conformance case in every
// format and variant, and every small architecture of tools/models in every format it writes.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { conformanceCases, fixturesDir } from "../../../tools/conformance/src/index.js";
import { generateModel } from "../../../tools/models/src/generate-model.js";
import { SMALL_ARCHS } from "../../../tools/models/test/small-archs.js";

/** One original model and the options it converts with. */
export interface CorpusEntry {
  readonly label: string;
  readonly path: string;
  readonly eps?: number;
}

const epsOf = (name: string) => (name === "repvgg_se_eps" ? 1e-3 : 1e-5);

/** The conformance files: ONNX train and unfolded, safetensors F32 and F16, TF.js layers / sharded / graph. */
export function conformanceCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const c of conformanceCases()) {
    for (const v of ["train", "train_unfolded"] as const)
      out.push({ label: `conformance ${c.name} onnx ${v}`, path: `${fixturesDir}${c.onnx[v]}` });
    for (const v of ["train", "train_f16"] as const)
      out.push({
        label: `conformance ${c.name} safetensors ${v}`,
        path: `${fixturesDir}${c.safetensors[v]}`,
        eps: epsOf(c.name),
      });
    if (c.name === "repvgg_groups") continue; // no TF.js version: tfjs-layers has no grouped Conv2D
    for (const v of ["layers", "layers-sharded", "graph"])
      out.push({ label: `conformance ${c.name} tfjs ${v}`, path: `${fixturesDir}tfjs/${c.name}/${v}` });
  }
  return out;
}

const FORMATS = {
  onnx: "m.onnx",
  "onnx-folded": "f.onnx",
  safetensors: "m.safetensors",
  "tfjs-layers": "layers",
  "tfjs-graph": "graph",
} as const;

/** Every small architecture of tools/models in every format, written under `dir` (TF.js skips grouped ones: it has no grouped conv). */
export async function generatedCorpus(
  dir: string,
  names: readonly string[] = Object.keys(SMALL_ARCHS),
): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  for (const name of names) {
    const arch = SMALL_ARCHS[name]!;
    for (const [format, file] of Object.entries(FORMATS)) {
      const path = join(dir, name, file);
      mkdirSync(join(dir, name), { recursive: true });
      try {
        await generateModel(arch, { format: format as keyof typeof FORMATS, out: path, seed: 3 });
      } catch (e) {
        if ((e as { code?: string }).code === "MODELS_UNSUPPORTED") continue;
        throw e;
      }
      // A state dict does not store eps: the architecture's (YOLO: 1e-3), as a user would pass it.
      out.push({ label: `${name} ${format}`, path, ...(format === "safetensors" ? { eps: arch.bnEps } : {}) });
    }
  }
  return out;
}
