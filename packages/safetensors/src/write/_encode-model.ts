import { type Decision, type EncodeStats, type ModelOutput, shapeSize } from "@reparam/core";
import { encodeNotes } from "./_encode-notes.js";
import type { FusedDtype } from "./_fuse-to-bytes.js";
import { type FusedOutput, outputEntries } from "./_output-entries.js";
import { WindowMemory } from "./_window-memory.js";
import type { ResolvedOptions } from "../_resolve-options.js";
import { encodeSafetensors, type SafetensorsEntry } from "../codec/encode-safetensors.js";
import { encodeSafetensorsIndex } from "../codec/encode-safetensors-index.js";
import { planShards } from "./plan-shards.js";
import type { SafetensorsCandidate } from "../safetensors-candidate.js";
import { knownBlock } from "./_known-block.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

function fusedDtype(model: SafetensorsModel, c: SafetensorsCandidate, options: ResolvedOptions): FusedDtype {
  if (options.dtype === "f32") return "F32";
  if (options.dtype === "f16") return "F16";
  return model.tensors.get(c.match.anchor)!.dtype as FusedDtype;
}

/**
 * Writes the deploy state dict: one file, or the input's shards (same file
 * names, each tensor in its input shard, deploy convs in their block's) and
 * an index named `output.name`. Every file's `__metadata__` is kept. Headers
 * are planned from shapes, then tensors are streamed in file order.
 */
export async function encodeModel(
  model: SafetensorsModel,
  decisions: readonly Decision[],
  output: ModelOutput,
  options: ResolvedOptions,
): Promise<EncodeStats> {
  const fused: FusedOutput[] = [];
  for (const d of decisions) {
    if (d.kind !== "fuse") continue;
    const candidate = knownBlock(model, d.candidate);
    const dtype = fusedDtype(model, candidate, options);
    fused.push({ candidate, plan: d.plan, dtype, load: () => d.load(), fuse: (b, t) => d.fuse(b, t) });
  }
  const memory = new WindowMemory();
  const entries = outputEntries(model, fused, options.fuseChunkBytes, memory);
  let bytesWritten = 0;
  const write = async (
    file: string,
    list: readonly SafetensorsEntry[],
    metadata: Readonly<Record<string, string>> | undefined,
  ) => {
    const sink = await output.create(file);
    memory.attach(sink);
    const plan = await encodeSafetensors(list, { metadata }, sink);
    await sink.close();
    memory.detach();
    bytesWritten += plan.fileSize;
  };
  if (model.index === undefined) {
    await write(
      output.name,
      entries.map((e) => e.entry),
      model.shards[0]!.content.metadata,
    );
  } else {
    const { total_size: _, ...meta } = model.index.metadata ?? {};
    const plan = planShards(
      entries.map((e) => e.entry),
      new Map(entries.map((e) => [e.entry.name, e.shard])),
      meta,
    );
    for (const shard of plan.shards)
      await write(shard.file, shard.tensors, model.shards.find((s) => s.file === shard.file)?.content.metadata);
    const index = encodeSafetensorsIndex(plan.index);
    const sink = await output.create(output.name);
    await sink.write(index);
    await sink.close();
    bytesWritten += index.byteLength;
  }
  const parametersAfter = entries.reduce((n, e) => n + shapeSize(e.entry.shape), 0);
  return { parametersAfter, bytesWritten, notes: encodeNotes(model, decisions, fused, options) };
}
