import type { ConvertOptions } from "@reparam/core";
import { type SafetensorsEntry, encodeSafetensorsBytes } from "@reparam/safetensors";
import type { BlockSpec } from "../block-spec.js";
import { fitsFloat16 } from "../fits-float16.js";
import { roundArray, unitOf } from "../round-values.js";
import { padsAre } from "../same-pads.js";
import type { Spelling } from "../spelling.js";
import { type FloatDtype, floatBytes } from "./_tensor-bytes.js";
import { walkKeys } from "./_walk-keys.js";
import { safetensorsFusedCheck } from "./safetensors-fused-check.js";
import { mainBytes, readStateDict, runDeployConv, runTrainBlock } from "./run-state-dict.js";
import { type SchemeLayout, deployOf } from "./scheme-layouts.js";
import { blockEps, stateDictPlan } from "./state-dict-plan.js";

const STORAGE = { F32: "float32", F16: "float16", BF16: "bfloat16" } as const;

/** Every branch pads k // 2 (a state dict has no pads: the families' convention is assumed). */
function torchPads(spec: BlockSpec): boolean {
  return spec.branches.every((b) => {
    if (b.kind === "identity") return true;
    const k =
      b.kind === "conv"
        ? b.kernel.shape.slice(2)
        : b.kind === "avgpool"
          ? b.size
          : (b.second?.kernel.shape.slice(2) ?? b.pool!.size);
    return padsAre("torch", b.pads, [k[0]!, k[1]!], spec.stride, spec.inputSize);
  });
}

/**
 * Why a QARepVGG state dict cannot say whether the block has its bare
 * identity (which has no keys): shapes give C / g, not C, so a grouped block
 * with C == O or C / g == O looks like a dense one with in == out, which the
 * family builds with an identity (at stride 1). Undefined when unambiguous.
 */
export function qarepvggAmbiguity(spec: BlockSpec): string | undefined {
  const g = spec.branches.reduce((m, b) => (b.kind === "conv" ? Math.max(m, b.groups) : m), 1);
  const c = spec.inChannels;
  const o = spec.outChannels;
  if (g === 1 || spec.stride !== 1 || (c !== o && c / g !== o)) return undefined;
  return `grouped QARepVGG (C ${c}, g ${g}, O ${o}): a state dict cannot tell whether it has its bare identity`;
}

/**
 * A state dict under one naming scheme, in one float dtype: every tensor of
 * the block under a random module prefix (BN `num_batches_tracked` too,
 * sometimes keys outside the block and `__metadata__`). Its `run` reads the
 * file back: the deploy keys run as one conv, train keys as the block in an
 * ONNX graph, both on onnxruntime.
 */
export function safetensorsSpelling(layout: SchemeLayout, dtype: FloatDtype): Spelling {
  const storage = STORAGE[dtype];
  const walk = (spec: BlockSpec, visit: Parameters<typeof walkKeys>[4]) => {
    const plan = stateDictPlan(spec);
    return { plan, walked: walkKeys(spec, layout, plan.prefix, plan.idFirst, visit) };
  };
  return {
    format: "safetensors",
    name: `safetensors/${layout.scheme}/${dtype.toLowerCase()}`,
    accepts(spec) {
      if (!torchPads(spec)) return "pads are not k // 2 (a state dict assumes PyTorch's)";
      if (layout.scheme === "qarepvgg") {
        const why = qarepvggAmbiguity(spec);
        if (why !== undefined) return why;
      }
      const { walked } = walk(spec, (_k, v) => v);
      if (typeof walked === "string") return walked;
      // A fused kernel past float16's range cannot be written back in F16 (the converter says CORE_NON_FINITE).
      return dtype === "F16" ? fitsFloat16(spec) : true;
    },
    async write(spec) {
      const entries: SafetensorsEntry[] = [];
      const round = roundArray(storage);
      const { plan, walked } = walk(spec, (name, values, shape) => {
        const stored = round(values);
        entries.push({ name, dtype, shape, data: floatBytes(stored, dtype) });
        return stored;
      });
      if (typeof walked === "string") throw new Error(`${layout.scheme}: ${walked}`);
      if (plan.batchesTracked)
        for (const m of walked.bnModules)
          entries.push({ name: `${m}.num_batches_tracked`, dtype: "I64", shape: [], data: new Uint8Array(8) });
      for (const [name, t] of plan.extras)
        entries.push({ name, dtype, shape: t.shape, data: floatBytes(round(t.values), dtype) });
      const bytes = await encodeSafetensorsBytes(entries, { metadata: plan.metadata });
      return {
        main: "model.safetensors",
        files: new Map([["model.safetensors", bytes]]),
        stored: walked.spec,
        unit: unitOf(storage),
      };
    },
    async run(model, stored, x) {
      const tensors = await readStateDict(mainBytes(model));
      const { prefix, idFirst } = stateDictPlan(stored);
      const deploy = `${prefix}${deployOf(layout.scheme)}`;
      const weight = tensors.get(`${deploy}.weight`);
      if (weight !== undefined) return runDeployConv(weight, tensors.get(`${deploy}.bias`)!.values, stored, x);
      const read = walkKeys(stored, layout, prefix, idFirst, (key) => {
        const t = tensors.get(key);
        if (t === undefined) throw new Error(`state dict has no '${key}'`);
        return t.values;
      });
      if (typeof read === "string") throw new Error(read);
      return runTrainBlock(read.spec, x);
    },
    convertOptions(stored): ConvertOptions {
      const plan = stateDictPlan(stored);
      const eps = blockEps(stored);
      return {
        eps,
        ...(stored.stride > 1 ? { strided: ["*"] } : {}),
        ...(plan.namedScheme ? { scheme: layout.scheme } : {}),
      };
    },
    checkFused: (converted, stored) => safetensorsFusedCheck(converted, stored, layout, dtype),
  };
}
