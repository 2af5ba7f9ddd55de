import type { BlockSpec } from "../block-spec.js";
import { Rng } from "../rng.js";
import { randomVector } from "../_random-values.js";

/** The choices a state-dict spelling makes for one block besides its values, all from the seed. */
export interface StateDictPlan {
  /** Module path of the block (`""`, `stage2.1.`, a DDP `module.` one ...). */
  readonly prefix: string;
  /** DBB's 1x1 -> kxk written as `idconv1` (weight + identity) where M == C. */
  readonly idFirst: boolean;
  /** Write `num_batches_tracked` (I64 scalar) beside each BN. */
  readonly batchesTracked: boolean;
  /** Keys outside the block, passed through unchanged: name -> [shape, values]. */
  readonly extras: ReadonlyMap<string, { readonly shape: readonly number[]; readonly values: Float64Array }>;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Name the scheme in the options, or let the adapter detect it. */
  readonly namedScheme: boolean;
}

const PREFIXES = ["", "stage1.0.", "module.backbone.stages.2.1.", "features.3.", "model.block."];

/** The {@link StateDictPlan} of a block (the same every time: writing and reading agree). */
export function stateDictPlan(spec: BlockSpec): StateDictPlan {
  const rng = new Rng(spec.seed * 5 + 11);
  const prefix = rng.pick(PREFIXES);
  const idFirst = rng.bool(0.5);
  const batchesTracked = rng.bool(0.7);
  const extras = new Map<string, { shape: readonly number[]; values: Float64Array }>();
  if (rng.bool(0.5)) {
    const n = rng.int(1, 4);
    extras.set("head.fc.weight", { shape: [n, spec.outChannels], values: randomVector(rng, n * spec.outChannels) });
    extras.set("head.fc.bias", { shape: [n], values: randomVector(rng, n) });
  }
  const metadata = rng.bool(0.5) ? { metadata: { format: "pt" } } : {};
  return { prefix, idFirst, batchesTracked, extras, ...metadata, namedScheme: rng.bool(0.5) };
}

/** The BN eps of a block (the generator gives every BN of a block the same): what a state dict's converter is told. */
export function blockEps(spec: BlockSpec): number {
  for (const b of spec.branches) {
    const bn = b.kind === "sequential" ? (b.first.bn ?? b.second?.bn ?? b.pool?.bn) : b.bn;
    if (bn !== undefined) return bn.eps;
  }
  return spec.postBn?.eps ?? 1e-5;
}
