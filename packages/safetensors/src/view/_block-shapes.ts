import { ReparamError } from "@reparam/core";
import { type MatchRefusal, checkBranchExtras } from "./_check-branch-extras.js";
import { chainShapes } from "./_chain-shapes.js";
import type { RawBlock, RawConv } from "./_match-branches.js";
import type { BatchNormKeys, BranchMatch, ConvKeys } from "./block-match.js";
import type { TensorInfo } from "../codec/tensor-info.js";

const FLOAT_DTYPES: ReadonlySet<string> = new Set(["F32", "F16", "BF16", "F64"]);

/** A block's channels and branches with shapes and groups. */
export interface BlockShapes {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly branches: readonly BranchMatch[];
  /** Set when the block matches but cannot be fused into its deploy conv (see `checkBranchExtras`). */
  readonly refusal?: MatchRefusal;
}

function mismatch(block: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_SHAPE_MISMATCH", "the block's tensor shapes disagree", {
    where: `block ${JSON.stringify(block)}, ${where}`,
    expected,
    found,
  });
}

/**
 * Resolves what a state dict cannot say directly, from shapes alone:
 * - out channels O: the main conv's `shape[0]`; every branch must give O.
 * - in channels C: O when there is an identity BN or a bare average pool
 *   (the identity BN has C entries, so C != O is a mismatch); else the
 *   channels of DBB's `IdentityBasedConv1x1`; else from a 1x1 -> kxk branch,
 *   whose two convs share groups g = M / kxk `shape[1]`; else the widest branch input
 *   (`max shape[1]`). When every branch has the same `shape[1]`, the fused
 *   kernel is the same whatever the true groups are: each output channel's
 *   row is summed slot by slot.
 * - groups of a branch: C / `shape[1]`.
 * - a bare identity (QARepVGG) exists when C == O and the block is not listed as strided.
 * Stride is not in a state dict either. A block with an identity branch has
 * stride 1 (the families only build one then). Without one, the stride does
 * not change the fused weights: every branch is centred with pad k // 2
 * (3x3 pad 1, 1x1 pad 0, kx1 pad (k//2, 0)), so each branch lands at offset
 * (P - k_b // 2) in the block kernel whatever the stride; plan with stride 1
 * and let the deploy model's own code set it.
 *
 * @throws ReparamError `SAFETENSORS_SHAPE_MISMATCH`, `SAFETENSORS_UNSUPPORTED_DTYPE`.
 */
export function blockShapes(
  raw: RawBlock,
  info: (k: string) => TensorInfo,
  block: string,
  strided: boolean,
): BlockShapes {
  const tensor = (k: string, rank: number, length?: number): TensorInfo => {
    const t = info(k);
    if (!FLOAT_DTYPES.has(t.dtype)) {
      throw new ReparamError("SAFETENSORS_UNSUPPORTED_DTYPE", "a block tensor is not floating point", {
        where: JSON.stringify(k),
        expected: "F32, F16, BF16 or F64",
        found: t.dtype,
      });
    }
    if (t.shape.length !== rank || (length !== undefined && t.shape[0] !== length) || t.shape.some((d) => d < 1)) {
      throw mismatch(
        block,
        JSON.stringify(k),
        rank === 4 ? "a 4-D OIHW kernel" : rank === 2 ? "a 2-D Linear weight [out, in]" : `a vector of ${length}`,
        `[${t.shape.join(",")}]`,
      );
    }
    return t;
  };
  const bn = (keys: BatchNormKeys | undefined, n: number): void => {
    if (keys !== undefined)
      for (const k of [keys.gamma, keys.beta, keys.mean, keys.variance]) if (k !== undefined) tensor(k, 1, n);
  };
  const conv = (c: RawConv, r = 1): ConvKeys => {
    // A rule marked `linear` takes an nn.Linear [O, I], read as [O, I, 1, 1].
    const linear = c.linear === true;
    const stored = tensor(c.weight, linear ? 2 : 4).shape;
    const shape = (linear ? [...stored, 1, 1] : stored) as [number, number, number, number];
    // A dilated kernel's extent (k - 1) * r + 1 is what is centred (RepNeXt's 2x2 at dilation 2 spans 3).
    if (((shape[2]! - 1) * r) % 2 !== 0 || ((shape[3]! - 1) * r) % 2 !== 0)
      throw mismatch(
        block,
        JSON.stringify(c.weight),
        "odd kernel extents (the family pads (k - 1) * r // 2)",
        `[${shape.join(",")}]`,
      );
    if (c.bias !== undefined) tensor(c.bias, 1, shape[0]);
    bn(c.bn, shape[0]);
    const { linear: _, ...rest } = c;
    return { ...rest, shape, ...(linear ? { linear: true } : {}) };
  };
  const main = raw.branches[0];
  if (main?.kind !== "conv") throw new Error("matchBranches returns the main conv first");
  const o = conv(main.conv, main.named?.r).shape[0];
  const out = (what: string, n: number) => {
    if (n !== o) throw mismatch(block, what, `${o} output channels (as the main conv)`, String(n));
  };
  // RepCPE, RepViT, RepMixer always add X: in == out whatever the (depthwise) kernels read.
  let c = raw.branches.some((b) => b.kind === "bareIdentity" && b.always === true) ? o : 0;
  let widest = 0;
  const convs: ConvKeys[] = [];
  for (const b of raw.branches) {
    if (b.kind === "conv") convs.push(conv(b.conv, b.named?.r));
    if (b.kind === "identity") {
      const n = tensor(b.bn.variance, 1).shape[0]!;
      if (n !== o)
        throw mismatch(
          block,
          JSON.stringify(b.bn.variance),
          `an identity over ${o} channels (in == out)`,
          `${n} channels: in != out`,
        );
      bn(b.bn, n);
      c = o;
    }
    if (b.kind === "sequential") {
      const first = conv(b.first);
      if (first.shape[2] !== 1 || first.shape[3] !== 1)
        throw mismatch(block, JSON.stringify(b.first.weight), "a 1x1 kernel", `[${first.shape.join(",")}]`);
      const second = conv(b.second);
      out(JSON.stringify(b.second.weight), second.shape[0]);
      // Both convs of the branch share its groups g = M / (M / g), so C = g * (C / g).
      const g = first.shape[0] / second.shape[1];
      if (c === 0) c = b.first.identityBased === true ? first.shape[0] : Number.isInteger(g) ? g * first.shape[1] : 0;
    }
    if (b.kind === "avgpool") {
      bn(b.bn, o);
      if (b.conv === undefined) c = o;
      else out(JSON.stringify(b.conv.weight), conv(b.conv).shape[0]);
    }
    if (b.kind === "chain") {
      // A depthwise kernel stored per channel or for all (kernelOf) keeps the channels before it.
      const last = [...b.stages].reverse().find((s) => s.kernelOf === undefined)!;
      out(JSON.stringify(last.weight), conv(last).shape[0]);
    }
  }
  for (const k of convs) out(JSON.stringify(k.weight), k.shape[0]);
  for (const b of raw.branches) {
    if (b.kind === "conv") widest = Math.max(widest, info(b.conv.weight).shape[1]!);
    if (b.kind === "sequential") widest = Math.max(widest, info(b.first.weight).shape[1]!);
    if (b.kind === "avgpool" && b.conv !== undefined) widest = Math.max(widest, info(b.conv.weight).shape[1]!);
    if (b.kind === "chain") widest = Math.max(widest, info(b.stages[0]!.weight).shape[1]!);
  }
  if (c === 0) c = widest;
  // The post-sum BatchNorm (QARepVGG `bn`) is read like the branches' ones: float vectors of the block's width.
  bn(raw.postBn, o);
  for (const keys of raw.preBn ?? []) bn(keys, c);
  const refusal = checkBranchExtras(raw, info, o, (k) => tensor(k, info(k).shape.length));
  return {
    ...(refusal === undefined ? {} : { refusal }),
    inChannels: c,
    outChannels: o,
    branches: resolveBranches(raw, info, block, {
      c,
      o,
      strided,
      conv,
      float: (k) => tensor(k, info(k).shape.length),
    }),
  };
}

interface Ctx {
  readonly c: number;
  readonly o: number;
  readonly strided: boolean;
  conv(c: RawConv, r?: number): ConvKeys;
  float(k: string): TensorInfo;
}

function groupsOf(block: string, k: ConvKeys, c: number, outs: number): number {
  const g = c / k.shape[1];
  if (!Number.isInteger(g) || outs % g !== 0) {
    throw mismatch(
      block,
      JSON.stringify(k.weight),
      `a kernel that reads ${c} input channels in whole groups`,
      `[${k.shape.join(",")}]`,
    );
  }
  return g;
}

function resolveBranches(raw: RawBlock, info: (k: string) => TensorInfo, block: string, ctx: Ctx): BranchMatch[] {
  const { c, o } = ctx;
  const kxk = raw.branches.flatMap((b) =>
    b.kind === "conv" ? [info(b.conv.weight).shape] : b.kind === "sequential" ? [info(b.second.weight).shape] : [],
  );
  const kh = Math.max(...kxk.map((s) => s[2]!));
  const kw = Math.max(...kxk.map((s) => s[3]!));
  const out: BranchMatch[] = [];
  for (const b of raw.branches) {
    const scale = "scale" in b && b.scale !== undefined ? { scale: b.scale } : {};
    if (b.kind === "conv") {
      const conv = ctx.conv(b.conv, b.named?.r);
      const dilation = b.named?.r === undefined ? {} : { dilation: b.named.r };
      out.push({ kind: "conv", conv, groups: groupsOf(block, conv, c, o), ...dilation, ...scale });
    } else if (b.kind === "identity") out.push({ kind: "identity", bn: b.bn, ...scale });
    else if (b.kind === "bareIdentity") {
      if (c === o && (b.always === true || !ctx.strided)) out.push({ kind: "identity", ...scale });
    } else if (b.kind === "chain") {
      out.push({ kind: "chain", stages: chainShapes(b.stages, c, block, (s) => ctx.conv(s), ctx.float), ...scale });
    } else if (b.kind === "sequential") {
      const first = ctx.conv(b.first);
      const second = ctx.conv(b.second);
      const g = groupsOf(block, first, c, first.shape[0]);
      if (b.first.identityBased === true && first.shape[0] !== c) {
        throw mismatch(
          block,
          JSON.stringify(b.first.weight),
          `an identity-based 1x1 over the ${c} input channels`,
          `[${first.shape.join(",")}]`,
        );
      }
      if (second.shape[1] * g !== first.shape[0] || o % g !== 0) {
        throw mismatch(
          block,
          JSON.stringify(b.second.weight),
          `a kernel reading ${first.shape[0]} channels in ${g} groups`,
          `[${second.shape.join(",")}]`,
        );
      }
      out.push({ kind: "sequential", first, second, groups: g });
    } else if (b.conv === undefined) out.push({ kind: "avgpool", size: [kh, kw], bn: b.bn });
    else {
      const first = ctx.conv(b.conv);
      const g = groupsOf(block, first, c, o);
      out.push({ kind: "sequential", first, second: { avg: true, shape: [o, o / g, kh, kw], bn: b.bn }, groups: g });
    }
  }
  return out;
}
