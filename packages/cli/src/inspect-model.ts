import { decideFor, type Block, type KernelShape, type Refusal } from "@reparam/core";
import { openModelInput } from "./host/model-input.js";
import { resolveModel } from "./resolve-model.js";

/** One block as `inspect` shows it. */
export interface InspectedBlock {
  readonly name: string;
  readonly family: string;
  readonly branches: readonly string[];
  readonly stride: string;
  readonly groups: string;
  /** `fuse`, `refuse` or `skip`. */
  readonly status: string;
  /** The fused kernel, or the refusal / skip reason. */
  readonly detail: string;
}

/** What `reparam inspect --json` prints. */
export interface InspectResult {
  readonly command: "inspect";
  readonly input: string;
  readonly format: string;
  readonly details: Readonly<Record<string, string>>;
  readonly blocks: readonly InspectedBlock[];
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

/** Lists a model's blocks and what convert would do with each, without writing anything. */
export async function inspectModel(inputPath: string, format = "auto"): Promise<InspectResult> {
  const model = await resolveModel(inputPath, format);
  const opened = await openModelInput(model.file);
  try {
    const decoded = await model.adapter.decode(opened.input, {});
    const { candidates, refused } = await model.adapter.findBlocks(decoded, {});
    const decisions = decideFor(model.adapter, decoded, candidates, {});
    const before = model.adapter.parameterCount(decoded);
    let after = before;
    const blocks = decisions.map((d): InspectedBlock => {
      const { name, family, layout } = d.candidate;
      const conv = layout.branches.find((b) => b.kind === "conv" || b.kind === "sequential");
      const base = {
        name,
        family,
        branches: layout.branches.map(branchLabel),
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
      command: "inspect",
      input: model.file,
      format: model.adapter.format,
      details: model.adapter.describe?.(decoded) ?? {},
      blocks,
      refused: [...refused, ...decisions.flatMap((d) => (d.kind === "refuse" ? [d.refusal] : []))],
      parameters: { before, afterEstimate: after },
    };
  } finally {
    await opened.close();
  }
}
