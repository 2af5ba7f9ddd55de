import type { Spelling } from "../spelling.js";
import { graphProblem, writeGraphBlock } from "./write-graph-block.js";
import type { GraphForm } from "./graph-conv.js";
import { runTfjsModel } from "./run-tfjs-model.js";

/** A TF.js graph-model spelling `tfjs-graph/<name>` writing blocks as `form` says (see {@link writeGraphBlock}). */
export function graphSpelling(name: string, form: GraphForm): Spelling {
  return {
    format: "tfjs",
    name: `tfjs-graph/${name}`,
    accepts: (spec) => graphProblem(spec, form) ?? true,
    write: (spec) => Promise.resolve(writeGraphBlock(spec, form)),
    run: (model, _stored, x) => runTfjsModel(model, x),
    // The default dtype (keep) re-quantizes fused weights onto a uint8/uint16/float16 grid: a rounding
    // verify's bound accounts for, not the fusion's exactness checked here. f32 stores them as computed.
    ...(form.storage === "float32" ? {} : { convertOptions: () => ({ dtype: "f32" as const }) }),
  };
}
