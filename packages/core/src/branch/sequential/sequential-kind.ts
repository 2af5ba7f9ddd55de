import { batchNormAffine } from "../../block/batch-norm.js";
import type { SequentialBranch } from "../../block/block.js";
import type { KernelShape } from "../../block/kernel.js";
import { refusal, type Refusal } from "../../block/refusal.js";
import type { BranchKind } from "../branch-kind.js";
import { checkGroupedInput, convGeometry } from "../conv/conv-kind.js";
import { foldConvBranch } from "../conv/fold-conv-branch.js";
import { frameFault } from "./compose-chain.js";
import { composeSequential } from "./compose-sequential.js";
import { SequentialAccumulator } from "./sequential-accumulator.js";

function checkShapes(b: SequentialBranch<KernelShape>, name: string, c: number): Refusal | undefined {
  const bad = checkGroupedInput(b.kind, b.first.kernel, b.groups, name, c);
  if (bad !== undefined) return bad;
  const [m, , fh, fw] = b.first.kernel.shape;
  if (fh !== 1 || fw !== 1 || b.second.kernel.shape[1] * b.groups !== m) {
    return refusal(
      name,
      "SEQUENTIAL_SHAPE",
      `1x1 -> kxk branch with kernels ${b.first.kernel.shape.join("x")} and ${b.second.kernel.shape.join("x")}`,
    );
  }
  return undefined;
}

/**
 * DBB's 1x1 -> kxk padded with zeros is exact only if the 1x1 (+BN) maps
 * zero to zero: the border proof of `composeChain` for a first conv of
 * extent 1 (whose frame never reads x), its frame condition alone.
 */
function checkZeroPadding(b: SequentialBranch<KernelShape>, name: string): Refusal | undefined {
  if (b.padding !== "zero" || b.pads.every((p) => p === 0)) return undefined;
  const m = b.first.kernel.shape[0];
  const bias = b.first.bias;
  const affine = b.first.bn === undefined ? undefined : batchNormAffine(b.first.bn);
  const z = Float64Array.from({ length: m }, (_, c) => {
    const raw = bias === undefined ? 0 : bias[c]!;
    return affine === undefined ? raw : raw * affine.scale[c]! + affine.shift[c]!;
  });
  if (frameFault(undefined, z) === undefined) return undefined;
  return refusal(
    name,
    "SEQUENTIAL_PADDING",
    "1x1 -> kxk pads with zeros but the 1x1 gives a non-zero output for a zero input",
  );
}

/** DBB's 1x1 (+BN) -> kxk (+BN): the composed kernel; the branch's geometry is the kxk conv's. */
export const sequentialKind: BranchKind<"sequential"> = {
  outChannels: (b) => b.second.kernel.shape[0],
  groups: (b) => b.groups,
  strided: true,
  steppable: true,
  geometry: (b) => convGeometry(b, b.second.kernel.shape),
  checkChannels: (b, name, c) => checkShapes(b, name, c),
  vectors: (b, i) => [
    { where: `branch ${i} (1x1)`, channels: b.first.kernel.shape[0], bn: b.first.bn, bias: b.first.bias },
    { where: `branch ${i} (kxk)`, channels: b.second.kernel.shape[0], bn: b.second.bn, bias: b.second.bias },
  ],
  checkExact: checkZeroPadding,
  rowKernel: (b) => b.second.kernel,
  withData: (b, data) => ({
    ...b,
    first: { ...b.first, kernel: { data: data[0]!, shape: b.first.kernel.shape } },
    second: { ...b.second, kernel: { data: data[1]!, shape: b.second.kernel.shape } },
  }),
  kernels: (b) => [b.first.kernel, b.second.kernel],
  accumulator: (b, p, plan, where, rowBase) => new SequentialAccumulator(b, p, plan, where, rowBase),
  kernel: (b, _channels, _groups, where) => {
    const a = foldConvBranch(b.first, `${where} (1x1)`);
    const k = foldConvBranch(b.second, `${where} (kxk)`);
    return composeSequential(a.kernel, a.bias, k.kernel, k.bias, b.groups);
  },
  describe: (b) => `1x1-${b.second.kernel.shape[2]}x${b.second.kernel.shape[3]}`,
};
