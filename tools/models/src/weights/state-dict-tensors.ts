import type { Arch, ArchBlock, AvgBranch, SequentialBranch } from "../arch/arch.js";
import { bnAndPadBn } from "../arch/dbb-block.js";
import type { TensorSpec } from "./tensor-spec.js";

/** The keys of the BN at module path `path`, in PyTorch's order. */
export const BN_KEYS = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"] as const;

/**
 * Every tensor of the PyTorch state dict of `arch`, block by block (branches
 * in summation order, then the post-sum BN, then SE), then the head: conv
 * `<conv>.weight` (OIHW) and `<conv>.bias`, BN `<bn>.weight|bias|running_mean|
 * running_var` (float32, one per channel) and `<bn>.num_batches_tracked`
 * (int64 scalar), SE `<down|up>.weight|bias`, `<head>.weight` ([classes,
 * features]) and `<head>.bias`.
 */
export function stateDictTensors(arch: Arch): TensorSpec[] {
  const out: TensorSpec[] = [];
  for (const b of arch.blocks) blockTensors(b, out);
  if (arch.head !== undefined) out.push(...linearTensors(arch.head.path, arch.head.classes, arch.head.inFeatures));
  return out;
}

/** The weight (`[out, in]`) and bias of a `nn.Linear`. */
export function linearTensors(path: string, out: number, inFeatures: number): TensorSpec[] {
  const init = { kind: "kaiming", fanIn: inFeatures } as const;
  return [
    { name: `${path}.weight`, shape: [out, inFeatures], dtype: "F32", init },
    { name: `${path}.bias`, shape: [out], dtype: "F32", init },
  ];
}

/** The tensors of a BN over `channels` at `path`. */
export function bnTensors(path: string, channels: number): TensorSpec[] {
  return [
    { name: `${path}.weight`, shape: [channels], dtype: "F32", init: { kind: "gamma" } },
    { name: `${path}.bias`, shape: [channels], dtype: "F32", init: { kind: "beta" } },
    { name: `${path}.running_mean`, shape: [channels], dtype: "F32", init: { kind: "mean" } },
    { name: `${path}.running_var`, shape: [channels], dtype: "F32", init: { kind: "var" } },
    { name: `${path}.num_batches_tracked`, shape: [], dtype: "I64", init: { kind: "count" } },
  ];
}

/** The weight (OIHW) and optional bias of a conv. */
export function convTensors(
  path: string,
  shape: readonly [number, number, number, number],
  bias: boolean,
): TensorSpec[] {
  const init = { kind: "kaiming", fanIn: shape[1] * shape[2] * shape[3] } as const;
  const w: TensorSpec = { name: `${path}.weight`, shape, dtype: "F32", init };
  return bias ? [w, { name: `${path}.bias`, shape: [shape[0]], dtype: "F32", init }] : [w];
}

/**
 * The tensors of DBB's `dbb_1x1_kxk`: the 1x1 weight (`idconv1.weight`,
 * drawn like any conv weight: the identity is added when the kernel is
 * used, see `identityBasedKernel`, or `conv1.weight`), `bn1.bn.*`, `conv2.weight`, `bn2.*`.
 */
export function sequentialTensors(b: ArchBlock, br: SequentialBranch): TensorSpec[] {
  const g = b.groups;
  return [
    ...convTensors(br.first, [br.internal, b.inChannels / g, 1, 1], false),
    ...bnTensors(bnAndPadBn(br.bnAndPad), br.internal),
    ...convTensors(br.second, [b.outChannels, br.internal / g, ...br.kernel], false),
    ...bnTensors(br.secondBn, b.outChannels),
  ];
}

/** The tensors of DBB's `dbb_avg`: `conv.weight` and `bn.bn.*` when it has the 1x1, then `avgbn.*`. */
export function avgTensors(b: ArchBlock, br: AvgBranch): TensorSpec[] {
  const first =
    br.conv === undefined
      ? []
      : [
          ...convTensors(br.conv, [b.outChannels, b.inChannels / b.groups, 1, 1], false),
          ...bnTensors(bnAndPadBn(br.bnAndPad!), b.outChannels),
        ];
  return [...first, ...bnTensors(br.bn, b.outChannels)];
}

function blockTensors(b: ArchBlock, out: TensorSpec[]): void {
  const cin = b.inChannels / b.groups;
  for (const br of b.branches) {
    if (br.kind === "sequential") out.push(...sequentialTensors(b, br));
    else if (br.kind === "avg") out.push(...avgTensors(b, br));
    else if (br.kind === "conv") {
      out.push(...convTensors(br.conv, [b.outChannels, cin, br.kernel[0], br.kernel[1]], br.bias));
      if (br.bn !== undefined) out.push(...bnTensors(br.bn, b.outChannels));
    } else if (br.bn !== undefined) {
      out.push(...bnTensors(br.bn, b.inChannels));
    }
  }
  if (b.postBn !== undefined) out.push(...bnTensors(b.postBn, b.outChannels));
  if (b.se !== undefined) {
    const { down, up, channels, reduced } = b.se;
    out.push(
      ...convTensors(down, [reduced, channels, 1, 1], true),
      ...convTensors(up, [channels, reduced, 1, 1], true),
    );
  }
}
