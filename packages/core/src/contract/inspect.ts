import type { Block } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";
import type { Refusal } from "../block/refusal.js";
import type { ConvertOptions, FormatAdapter } from "./adapter.js";
import { branchLabel } from "./branch-label.js";
import { decideFor } from "./reparameterize.js";

/** One block as `reparam inspect` (and the web page) shows it. */
export interface InspectedBlock {
  readonly name: string;
  /** Unique in the model where names repeat (see `Candidate.id`; the name where the candidate has none): `--exclude` takes it. */
  readonly id: string;
  readonly family: string;
  /** One label per branch ({@link branchLabel}): `3x3+bn`, `1x1-3x3`, `identity+bn`, `avgpool3x3`. */
  readonly branches: readonly string[];
  /** A BatchNorm after the sum (QARepVGG), folded in as well. */
  readonly postBn: boolean;
  /** The stride of the block's convs (height, width); [1, 1] when it has none. */
  readonly stride: readonly [number, number];
  /** The groups of the block's first conv; null when it has no conv (identity and average-pool branches only). */
  readonly groups: number | null;
  readonly status: "fuse" | "refuse" | "skip";
  /** The fused conv, or the refusal / skip reason. */
  readonly detail: string;
  /** Why it is refused (status `refuse`). */
  readonly refusal?: Refusal;
}

/** What a conversion would do with a decoded model, without doing it. */
export interface Inspection {
  readonly format: string;
  readonly details: Readonly<Record<string, string>>;
  /** Every candidate block, with what `decide` makes of it. */
  readonly blocks: readonly InspectedBlock[];
  /** Blocks refused while matching (structure), which are not among `blocks`. */
  readonly matchRefused: readonly Refusal[];
  /** Parameters now, and after converting (estimated from the plans). */
  readonly parameters: { readonly before: number; readonly afterEstimate: number };
}

/** Parameters a block holds in train form: kernels, biases, 4 per BN channel. */
function blockParams(b: Block<KernelShape>): number {
  const bn = (x: { gamma: ArrayLike<number> } | undefined) => (x ? 4 * x.gamma.length : 0);
  const k = (s: readonly number[]) => s.reduce((a, c) => a * c, 1);
  let n = bn(b.postBn);
  for (const br of b.branches) {
    if (br.kind === "conv") n += k(br.kernel.shape) + (br.bias?.length ?? 0) + bn(br.bn);
    else if (br.kind === "sequential")
      n += k(br.first.kernel.shape) + k(br.second.kernel.shape) + bn(br.first.bn) + bn(br.second.bn);
    else n += bn(br.bn);
  }
  return n;
}

/**
 * Lists a decoded model's blocks and what `reparameterize` would do with
 * each (the same decisions, `canWrite` included), with a parameter estimate:
 * what the CLI's `inspect` and the web page show.
 */
export async function inspect<M>(
  adapter: FormatAdapter<M>,
  model: M,
  options: ConvertOptions = {},
): Promise<Inspection> {
  const { candidates, refused } = await adapter.findBlocks(model, options);
  const decisions = decideFor(adapter, model, candidates, options);
  const before = adapter.parameterCount(model);
  let after = before;
  const blocks = decisions.map((d): InspectedBlock => {
    const { name, family, layout } = d.candidate;
    const conv = layout.branches.find((b) => b.kind === "conv" || b.kind === "sequential");
    const base = {
      name,
      id: d.candidate.id ?? name,
      family,
      branches: layout.branches.map(branchLabel),
      postBn: layout.postBn !== undefined,
      stride: conv && "stride" in conv ? ([conv.stride[0], conv.stride[1]] as const) : ([1, 1] as const),
      groups: conv && "groups" in conv ? conv.groups : null,
    };
    if (d.kind === "fuse") {
      const [o, i, kh, kw] = d.plan.kernelShape;
      after += o * i * kh * kw + o - blockParams(layout);
      return { ...base, status: "fuse", detail: `${kh}x${kw} conv, groups ${d.plan.groups}` };
    }
    if (d.kind === "refuse")
      return { ...base, status: "refuse", detail: `${d.refusal.reason}: ${d.refusal.message}`, refusal: d.refusal };
    return { ...base, status: "skip", detail: d.why };
  });
  return {
    format: adapter.format,
    details: adapter.describe?.(model) ?? {},
    blocks,
    matchRefused: refused,
    parameters: { before, afterEstimate: after },
  };
}
