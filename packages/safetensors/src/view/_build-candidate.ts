import {
  type BatchNorm,
  type Block,
  type ComposedChain,
  type Branch,
  type Kernel,
  type KernelShape,
  type Pads,
  avgPoolKernel,
} from "@reparam/core";
import { allInOrder } from "./_all-in-order.js";
import { composeChainBranch } from "./_chain-branch.js";
import { composeBatchNorms, scaleBatchNorm } from "./_scale-batch-norm.js";
import { readBatchNorm, readVector } from "./_read-batch-norm.js";
import { floatValues } from "../codec/_tensor-values.js";
import type { AvgKernel, BatchNormKeys, BlockMatch, ConvKeys } from "./block-match.js";
import type { SafetensorsCandidate } from "../safetensors-candidate.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

type Source = ConvKeys | AvgKernel;

/** The small tensors of a block (BNs, biases), read once when the candidate is made. */
interface Parts {
  readonly bns: ReadonlyMap<BatchNormKeys, BatchNorm>;
  /** The post-sum BatchNorm with the post-sum affine composed in (either may be absent). */
  readonly post?: BatchNorm;
  /** The pre-BNs composed into one (see `composeBatchNorms`). */
  readonly pre?: BatchNorm;
  /** Per chain branch (by index), its convs collapsed into one (see `composeChainBranch`). */
  readonly chains: ReadonlyMap<number, ComposedChain>;
  readonly biases: ReadonlyMap<string, Float64Array>;
  /** Per branch (by index), its BatchNorm with its scale composed in. */
  readonly scaled: ReadonlyMap<number, BatchNorm>;
}

const centred = (k: number, w: number): Pads => [k >> 1, w >> 1, k >> 1, w >> 1];
/** A branch's extent at dilation r: (k - 1) * r + 1, so its pads r * (k - 1) / 2 keep it centred. */
const extent = (k: number, r: number) => (k - 1) * r + 1;
const UNIT = [1, 1] as const;

function assemble<K extends KernelShape>(
  match: BlockMatch,
  parts: Parts,
  kernel: (s: Source) => K,
  composed: (k: ComposedChain["kernel"]) => K,
): Block<K> {
  const bn = (keys: BatchNormKeys | undefined) => (keys === undefined ? {} : { bn: parts.bns.get(keys)! });
  const bias = (s: Source) => ("weight" in s && s.bias !== undefined ? { bias: parts.biases.get(s.bias)! } : {});
  const stage = (s: Source) => ({ kernel: kernel(s), ...bias(s), ...bn(s.bn) });
  const branches = match.branches.map((b, i): Branch<K> => {
    const scaled = parts.scaled.get(i);
    switch (b.kind) {
      case "conv": {
        const [, , kh, kw] = b.conv.shape;
        const r = b.dilation ?? 1;
        return {
          kind: "conv",
          ...stage(b.conv),
          ...(scaled === undefined ? {} : { bn: scaled }),
          stride: UNIT,
          pads: centred(extent(kh, r), extent(kw, r)),
          dilation: [r, r],
          groups: b.groups,
        };
      }
      case "identity":
        return { kind: "identity", ...bn(b.bn), ...(scaled === undefined ? {} : { bn: scaled }) };
      case "chain": {
        const c = parts.chains.get(i)!;
        return {
          kind: "conv",
          kernel: composed(c.kernel),
          bias: c.bias,
          ...(scaled === undefined ? {} : { bn: scaled }),
          stride: c.stride,
          pads: c.pads,
          dilation: c.dilation,
          groups: c.groups,
        };
      }
      case "sequential": {
        const [, , kh, kw] = b.second.shape;
        // DBB's BNAndPadLayer pads the kxk input with the 1x1 + BN output for zeros.
        return {
          kind: "sequential",
          first: stage(b.first),
          second: stage(b.second),
          stride: UNIT,
          pads: centred(kh, kw),
          dilation: UNIT,
          groups: b.groups,
          padding: "first-output",
        };
      }
      case "avgpool":
        return {
          kind: "avgpool",
          size: b.size,
          stride: UNIT,
          pads: centred(b.size[0], b.size[1]),
          bn: parts.bns.get(b.bn)!,
        };
    }
  });
  const post = parts.post === undefined ? {} : { postBn: parts.post };
  const pre = parts.pre === undefined ? {} : { preBn: parts.pre };
  return { name: match.name, inChannels: match.inChannels, branches, ...post, ...pre };
}

/**
 * What follows the sum, as one BatchNorm: the post-sum BatchNorm, then the
 * affine y = s * x + b (PP-LCNetV3's `lab`) composed in float64:
 * s * (gamma * (x - mean) / sqrt(var + eps) + beta) + b is the BatchNorm
 * with gamma * s and beta * s + b; without a BatchNorm, gamma = s, beta = b,
 * mean 0, var 1, eps 0 (t = s exactly).
 */
async function postStage(
  model: SafetensorsModel,
  match: BlockMatch,
  bns: ReadonlyMap<BatchNormKeys, BatchNorm>,
): Promise<BatchNorm | undefined> {
  const bn = match.postBn === undefined ? undefined : bns.get(match.postBn)!;
  if (match.postAffine === undefined) return bn;
  const o = match.outChannels;
  const s = await readVector(model, match.postAffine.scale);
  const b = await readVector(model, match.postAffine.bias);
  const scaled = scaleBatchNorm(bn, s, false, o);
  const beta = Float64Array.from(scaled.beta);
  for (let c = 0; c < o; c++) beta[c]! += b.length === 1 ? b[0]! : b[c]!;
  return { ...scaled, beta };
}

function sources(match: BlockMatch): Source[] {
  return match.branches.flatMap((b) =>
    b.kind === "conv" ? [b.conv] : b.kind === "sequential" ? [b.first, b.second] : [],
  );
}

async function readKernel(model: SafetensorsModel, s: Source): Promise<Kernel> {
  if ("avg" in s) return avgPoolKernel(s.shape[0], s.shape[0] / s.shape[1], s.shape[2], s.shape[3]);
  const values = floatValues(await model.read(s.weight), model.tensors.get(s.weight)!.dtype);
  if (s.identityBased !== true) return { data: values, shape: s.shape };
  // IdentityBasedConv1x1: kernel = weight + I, I[i, i mod (C/g)] = 1 (1x1, so one element per row).
  const data = Float64Array.from(values);
  const per = s.shape[1];
  for (let i = 0; i < s.shape[0]; i++) data[i * per + (i % per)]! += 1;
  return { data, shape: s.shape };
}

/**
 * Makes the core candidate of a matched block: reads its BatchNorms (checked,
 * with `eps`) and biases now, and its kernels only when `load()` is called.
 * Branch geometry is the family convention: stride 1, centred pads k // 2
 * (see `blockShapes` for why stride 1 is exact); a dilated branch (dilation
 * from its key name) is centred on its extent, pads r * (k - 1) / 2. A
 * branch's scale (`alpha`, a layer scale, a minus sign) is composed into its
 * BatchNorm here, in float64.
 *
 * @throws ReparamError `SAFETENSORS_BAD_BN`.
 */
export async function buildCandidate(
  model: SafetensorsModel,
  match: BlockMatch,
  eps: number,
): Promise<SafetensorsCandidate> {
  const bnKeys: BatchNormKeys[] = [];
  for (const b of match.branches) {
    if (b.kind === "identity" && b.bn !== undefined) bnKeys.push(b.bn);
    if (b.kind === "avgpool") bnKeys.push(b.bn);
  }
  for (const s of sources(match)) if (s.bn !== undefined) bnKeys.push(s.bn);
  if (match.postBn !== undefined) bnKeys.push(match.postBn);
  bnKeys.push(...(match.preBn ?? []));
  const bns = new Map<BatchNormKeys, BatchNorm>(
    await allInOrder(bnKeys.map(async (keys) => [keys, await readBatchNorm(model, keys, eps)] as const)),
  );
  const biasKeys = sources(match).flatMap((s) => ("weight" in s && s.bias !== undefined ? [s.bias] : []));
  const biases = new Map<string, Float64Array>(
    await allInOrder(biasKeys.map(async (key) => [key, await readVector(model, key)] as const)),
  );
  const scaled = new Map<number, BatchNorm>();
  for (const [i, b] of match.branches.entries()) {
    if ((b.kind !== "conv" && b.kind !== "identity" && b.kind !== "chain") || b.scale === undefined) continue;
    const own = b.kind === "conv" ? b.conv.bn : b.kind === "identity" ? b.bn : undefined;
    const all = b.scale.key === undefined ? new Float64Array([1]) : await readVector(model, b.scale.key);
    const o = match.outChannels;
    // OREPA's vector [rows, O]: this branch's row.
    const factor = b.scale.row === undefined ? all : all.subarray(b.scale.row * o, (b.scale.row + 1) * o);
    scaled.set(
      i,
      scaleBatchNorm(own === undefined ? undefined : bns.get(own), factor, b.scale.negate, match.outChannels),
    );
  }
  const post = await postStage(model, match, bns);
  const pre = composeBatchNorms((match.preBn ?? []).map((k) => bns.get(k)!));
  const chains = new Map<number, ComposedChain>();
  for (const [i, b] of match.branches.entries())
    if (b.kind === "chain") chains.set(i, await composeChainBranch(model, b.stages, eps, match.name));
  const parts = {
    bns,
    biases,
    scaled,
    chains,
    ...(post === undefined ? {} : { post }),
    ...(pre === undefined ? {} : { pre }),
  };
  const candidate: SafetensorsCandidate = {
    name: match.name,
    family: match.scheme.family,
    // Blocks that fold one shared pre-BN fuse together or not at all.
    ...(match.shared === undefined ? {} : { group: match.shared.by[0]! }),
    layout: assemble(
      match,
      parts,
      (s) => ({ shape: s.shape }),
      (k) => ({ shape: k.shape }),
    ),
    match,
    async load() {
      const kernels = new Map<Source, Kernel>();
      for (const s of sources(match)) kernels.set(s, await readKernel(model, s));
      return assemble(
        match,
        parts,
        (s) => kernels.get(s)!,
        (k) => k,
      );
    },
  };
  return candidate;
}
