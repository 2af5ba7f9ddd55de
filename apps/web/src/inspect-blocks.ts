import {
  decideFor,
  type Block,
  type ConvertOptions,
  type FormatAdapter,
  type KernelShape,
  type Refusal,
} from "@reparam/core";

/** One block as `reparam inspect` shows it. */
export interface InspectedBlock {
  readonly name: string;
  readonly family: string;
  readonly branches: readonly string[];
  /** A BatchNorm after the sum (QARepVGG), folded in as well. */
  readonly postBn: boolean;
  readonly stride: string;
  readonly groups: string;
  /** `fuse`, `refuse` or `skip`. */
  readonly status: "fuse" | "refuse" | "skip";
  /** The fused conv, or the refusal / skip reason. */
  readonly detail: string;
}

/** What the page shows before converting: what `reparam inspect` prints. */
export interface Inspection {
  readonly format: string;
  readonly details: Readonly<Record<string, string>>;
  readonly blocks: readonly InspectedBlock[];
  /** Blocks refused while matching (structure), beside the refused candidates in `blocks`. */
  readonly refused: readonly Refusal[];
  readonly parameters: { readonly before: number; readonly afterEstimate: number };
}

function branchLabel(b: Block<KernelShape>["branches"][number]): string {
  if (b.kind === "identity") return b.bn ? "identity+bn" : "identity";
  if (b.kind === "avgpool") return `avgpool${b.size.join("x")}`;
  const s = b.kind === "conv" ? b.kernel.shape : b.second.kernel.shape;
  return `${b.kind === "sequential" ? "1x1-" : ""}${s[2]}x${s[3]}${b.kind === "conv" && b.bn ? "+bn" : ""}`;
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
 * Lists a decoded model's blocks and what convert would do with each, the
 * way the CLI's `inspect` does (same labels, same parameter estimate).
 */
export async function inspectBlocks(
  adapter: FormatAdapter<unknown>,
  model: unknown,
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
      family,
      branches: layout.branches.map(branchLabel),
      postBn: layout.postBn !== undefined,
      stride: conv && "stride" in conv ? conv.stride.join("x") : "1x1",
      groups: conv && "groups" in conv ? String(conv.groups) : "-",
    };
    if (d.kind === "fuse") {
      const [o, i, kh, kw] = d.plan.kernelShape;
      after += o * i * kh * kw + o - blockParams(layout);
      return { ...base, status: "fuse", detail: `${kh}x${kw} conv, groups ${d.plan.groups}` };
    }
    return {
      ...base,
      status: d.kind,
      detail: d.kind === "refuse" ? `${d.refusal.reason}: ${d.refusal.message}` : d.why,
    };
  });
  return {
    format: adapter.format,
    details: adapter.describe?.(model) ?? {},
    blocks,
    refused,
    parameters: { before, afterEstimate: after },
  };
}
