import { bytesSource } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import type { BlockSpec } from "../block-spec.js";
import type { ModelFiles } from "../spelling.js";
import { roundArray } from "../round-values.js";
import { type FloatDtype, floatBytes } from "./_tensor-bytes.js";
import { walkKeys } from "./_walk-keys.js";
import { type SchemeLayout, deployOf } from "./scheme-layouts.js";
import { stateDictPlan } from "./state-dict-plan.js";

const STORAGE = { F32: "float32", F16: "float16", BF16: "bfloat16" } as const;

/** [O, C/g, KH, KW] of the fused kernel: the branches' largest window. */
function fusedShape(spec: BlockSpec): number[] {
  let kh = 1;
  let kw = 1;
  let per = 0;
  for (const b of spec.branches) {
    if (b.kind === "identity") continue;
    const k =
      b.kind === "conv"
        ? b.kernel.shape.slice(2)
        : b.kind === "avgpool"
          ? b.size
          : (b.second?.kernel.shape.slice(2) ?? b.pool!.size);
    kh = Math.max(kh, k[0]!);
    kw = Math.max(kw, k[1]!);
    if (b.kind === "conv") per = Math.max(per, b.kernel.shape[1]);
    if (b.kind === "sequential") per = Math.max(per, b.first.kernel.shape[1]);
  }
  return [spec.outChannels, per === 0 ? 1 : per, kh, kw];
}

/**
 * The converted state dict holds exactly the scheme's deploy keys for the
 * block (`<prefix><deploy>.weight` of the fused shape, `.bias`, in the
 * file's dtype) and every key outside the block unchanged (same dtype,
 * shape and bytes); no key of the block's branches is left.
 */
export async function safetensorsFusedCheck(
  converted: ModelFiles,
  stored: BlockSpec,
  layout: SchemeLayout,
  dtype: FloatDtype,
): Promise<true | string> {
  const file = await decodeSafetensors(bytesSource(converted.files.get(converted.main)!));
  const plan = stateDictPlan(stored);
  const deploy = `${plan.prefix}${deployOf(layout.scheme)}`;
  const want = new Map<string, { shape: readonly number[]; bytes?: Uint8Array }>([
    [`${deploy}.weight`, { shape: fusedShape(stored) }],
    [`${deploy}.bias`, { shape: [stored.outChannels] }],
  ]);
  for (const [name, t] of plan.extras)
    want.set(name, { shape: t.shape, bytes: floatBytes(roundArray(STORAGE[dtype])(t.values), dtype) });
  const blockKeys = new Set<string>();
  walkKeys(stored, layout, plan.prefix, plan.idFirst, (k, v) => {
    blockKeys.add(k);
    return v;
  });
  const problems: string[] = [];
  const have = new Set(file.tensors.map((t) => t.name));
  for (const name of have)
    if (!want.has(name)) problems.push(`${blockKeys.has(name) ? "branch key left" : "unexpected key"} '${name}'`);
  for (const [name, w] of want) {
    const t = file.tensor(name);
    if (t === undefined) {
      problems.push(`missing '${name}'`);
      continue;
    }
    if (t.dtype !== dtype || t.shape.join() !== w.shape.join())
      problems.push(`'${name}' is ${t.dtype} [${t.shape.join(",")}], expected ${dtype} [${w.shape.join(",")}]`);
    if (w.bytes !== undefined && Buffer.compare(await file.readTensor(name), w.bytes) !== 0)
      problems.push(`'${name}' changed`);
  }
  return problems.length === 0 ? true : problems.join("; ");
}
