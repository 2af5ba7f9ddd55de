import { inspect, type Inspection, type Refusal } from "@reparam/core";
import { withDecodeHint } from "./decode-hint.js";
import { openModelInput } from "./host/model-input.js";
import { resolveModel } from "./resolve-model.js";

export type { InspectedBlock } from "@reparam/core";

/** What `reparam inspect --json` prints: core's inspection, plus every refusal (matching and deciding) in `refused`. */
export interface InspectResult extends Omit<Inspection, "matchRefused"> {
  readonly command: "inspect";
  readonly input: string;
  readonly refused: readonly Refusal[];
}

/** Lists a model's blocks and what convert would do with each, without writing anything. */
export async function inspectModel(inputPath: string, format = "auto"): Promise<InspectResult> {
  const model = await resolveModel(inputPath, format);
  const opened = await openModelInput(model.file);
  try {
    const decoded = await model.adapter
      .decode(opened.input, {})
      .catch((e: unknown) => Promise.reject(withDecodeHint(e, model.adapter.format)));
    const { matchRefused, ...found } = await inspect(model.adapter, decoded, {});
    const decided = found.blocks.flatMap((b) => (b.refusal === undefined ? [] : [b.refusal]));
    return { command: "inspect", input: model.file, ...found, refused: [...matchRefused, ...decided] };
  } finally {
    await opened.close();
  }
}
