import type { Spelling } from "../spelling.js";
import { float16Problem } from "./float16-problem.js";
import { type LayersForm, layersProblem, writeLayersBlock } from "./write-layers-block.js";
import { runTfjsModel } from "./run-tfjs-model.js";

/** A TF.js layers-model spelling `tfjs-layers/<name>` writing blocks as `form` says (see {@link writeLayersBlock}). */
export function layersSpelling(name: string, form: LayersForm): Spelling {
  return {
    format: "tfjs",
    name: `tfjs-layers/${name}`,
    accepts: (spec) =>
      layersProblem(spec, form) ?? (form.storage === "float16" ? float16Problem(spec) : undefined) ?? true,
    write: (spec) => Promise.resolve(writeLayersBlock(spec, form)),
    run: (model, _stored, x) => runTfjsModel(model, x),
    // The default dtype (keep) re-quantizes fused weights onto a uint8/uint16/float16 grid: a rounding
    // verify's bound accounts for, not the fusion's exactness checked here. f32 stores them as computed.
    ...(form.storage === "float32" ? {} : { convertOptions: () => ({ dtype: "f32" as const }) }),
  };
}
