// Hand-made blocks for the TF.js spellings' tests: one per family and
// geometry that has bitten before (widening post-BN at stride 2, SAME at
// stride 2 on even sizes, DBB's BNAndPad), values from a seeded PRNG.
import { seededRandom } from "@reparam/test-utils";
import type {
  BlockSpec,
  BnSpec,
  BranchSpec,
  ConvBranchSpec,
  KernelSpec,
  Pads4,
  SequentialBranchSpec,
  Shape4,
} from "../src/block-spec.js";

/** PyTorch's pads k // 2 on both sides. */
const torch = (kh: number, kw = kh): Pads4 => [kh >> 1, kw >> 1, kh >> 1, kw >> 1];

/** Seeded float32 values for one block. */
class Draw {
  private readonly rand: () => number;
  constructor(seed: number) {
    this.rand = seededRandom(seed);
  }
  vec(n: number, lo = -1, hi = 1): Float64Array {
    return Float64Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * this.rand()));
  }
  kernel(shape: Shape4): KernelSpec {
    return { data: this.vec(shape[0] * shape[1] * shape[2] * shape[3]), shape };
  }
  bn(n: number, eps = 1e-5): BnSpec {
    const variance = this.vec(n, 0.05, 2).map((v, i) => (i % 5 === 3 ? Math.fround(v * 1e-4) : v));
    return {
      gamma: this.vec(n, 0.5, 1.5).map((g, i) => (i % 4 === 1 ? -g : g)),
      beta: this.vec(n, -0.5, 0.5),
      mean: this.vec(n, -0.5, 0.5),
      variance,
      eps,
    };
  }
  conv(
    role: string,
    shape: Shape4,
    pads: Pads4,
    o: { groups?: number; bn?: boolean; bias?: boolean; eps?: number; dilation?: number } = {},
  ): ConvBranchSpec {
    const bias = o.bias === true ? { bias: this.vec(shape[0]) } : {};
    const bn = o.bn === false ? {} : { bn: this.bn(shape[0], o.eps) };
    const d = o.dilation ?? 1;
    return {
      kind: "conv",
      kernel: this.kernel(shape),
      ...bias,
      ...bn,
      groups: o.groups ?? 1,
      pads,
      dilation: [d, d],
      role,
    };
  }
  /** DBB's 1x1 (C -> m, + BN unless `bn1` false, optional bias) -> BNAndPad -> k x k conv (+ BN) or avg pool (+ BN). */
  sequential(
    role: string,
    c: number,
    m: number,
    o: number,
    k: number,
    pads: Pads4,
    pool: boolean,
    bias = false,
    groups = 1,
    bn1 = true,
  ): SequentialBranchSpec {
    const first = {
      kernel: this.kernel([m, c / groups, 1, 1]),
      ...(bias ? { bias: this.vec(m) } : {}),
      ...(bn1 ? { bn: this.bn(m) } : {}),
    };
    if (pool) return { kind: "sequential", first, pool: { size: [k, k], bn: this.bn(o) }, groups, pads, role };
    return {
      kind: "sequential",
      first,
      second: { kernel: this.kernel([o, m / groups, k, k]), bn: this.bn(o) },
      groups,
      pads,
      role,
    };
  }
}

type Geometry = Pick<BlockSpec, "family" | "inChannels" | "outChannels" | "inputSize" | "stride" | "activation">;

function block(seed: number, g: Geometry, make: (d: Draw) => { branches: BranchSpec[]; postBn?: BnSpec }): BlockSpec {
  const { branches, postBn } = make(new Draw(seed));
  return { seed, ...g, branches, ...(postBn ? { postBn } : {}) };
}

const repvgg = (
  seed: number,
  c: number,
  o: number,
  size: [number, number],
  stride: number,
  pads3: Pads4,
  identity: boolean,
): BlockSpec =>
  block(
    seed,
    { family: "repvgg", inChannels: c, outChannels: o, inputSize: size, stride, activation: "relu" },
    (d) => ({
      branches: [
        d.conv("rbr_dense", [o, c, 3, 3], pads3),
        d.conv("rbr_1x1", [o, c, 1, 1], [0, 0, 0, 0]),
        ...(identity ? [{ kind: "identity" as const, bn: d.bn(c), role: "rbr_identity" }] : []),
      ],
    }),
  );

const qarepvgg = (seed: number, size: [number, number]): BlockSpec =>
  block(
    seed,
    { family: "qarepvgg", inChannels: 3, outChannels: 13, inputSize: size, stride: 2, activation: "relu" },
    (d) => ({
      branches: [
        d.conv("rbr_dense", [13, 3, 3, 3], torch(3)),
        d.conv("rbr_1x1", [13, 3, 1, 1], [0, 0, 0, 0], { bn: false, bias: true }),
      ],
      postBn: d.bn(13),
    }),
  );

const dbb = (
  seed: number,
  c: number,
  o: number,
  size: [number, number],
  stride: number,
  pads: Pads4,
  bias: boolean,
): BlockSpec =>
  block(seed, { family: "dbb", inChannels: c, outChannels: o, inputSize: size, stride, activation: "none" }, (d) => ({
    branches: [
      d.conv("dbb_origin", [o, c, 3, 3], pads),
      d.conv("dbb_1x1", [o, c, 1, 1], [0, 0, 0, 0]),
      d.sequential("dbb_1x1_kxk", c, c, o, 3, pads, false, bias),
      d.sequential("dbb_avg", c, o, o, 3, pads, true, bias),
    ],
  }));

/** The blocks every TF.js spelling is checked on, by name. */
export const HAND_SPECS: Readonly<Record<string, BlockSpec>> = {
  "repvgg identity 4->4 6x5": repvgg(1, 4, 4, [6, 5], 1, torch(3), true),
  "qarepvgg 3->13 stride 2 even 8x8": qarepvgg(2, [8, 8]),
  "qarepvgg 3->13 stride 2 odd 7x9": qarepvgg(3, [7, 9]),
  "mobileone depthwise 6 three convs + skip": block(
    4,
    { family: "mobileone", inChannels: 6, outChannels: 6, inputSize: [7, 7], stride: 1, activation: "relu" },
    (d) => ({
      branches: [
        d.conv("rbr_conv.0", [6, 1, 3, 3], torch(3), { groups: 6 }),
        d.conv("rbr_conv.1", [6, 1, 3, 3], torch(3), { groups: 6 }),
        d.conv("rbr_scale", [6, 1, 1, 1], [0, 0, 0, 0], { groups: 6 }),
        { kind: "identity", bn: d.bn(6), role: "rbr_skip" },
      ],
    }),
  ),
  "mobileone depthwise 5 stride 2 SAME even 8x6": block(
    5,
    { family: "mobileone", inChannels: 5, outChannels: 5, inputSize: [8, 6], stride: 2, activation: "none" },
    (d) => ({
      branches: [
        d.conv("rbr_conv.0", [5, 1, 3, 3], [0, 0, 1, 1], { groups: 5, eps: 1e-3 }),
        d.conv("rbr_conv.1", [5, 1, 3, 3], [0, 0, 1, 1], { groups: 5, eps: 1e-3 }),
        d.conv("rbr_scale", [5, 1, 1, 1], [0, 0, 0, 0], { groups: 5, eps: 1e-3 }),
      ],
    }),
  ),
  "acnet 3->5 6x7": block(
    6,
    { family: "acnet", inChannels: 3, outChannels: 5, inputSize: [6, 7], stride: 1, activation: "relu" },
    (d) => ({
      branches: [
        d.conv("square", [5, 3, 3, 3], torch(3)),
        d.conv("ver", [5, 3, 3, 1], torch(3, 1)),
        d.conv("hor", [5, 3, 1, 3], torch(1, 3)),
      ],
    }),
  ),
  "dbb groups 1 3->4 6x6": dbb(7, 3, 4, [6, 6], 1, torch(3), false),
  "dbb groups 1 4->4 stride 2 odd 7x5": dbb(8, 4, 4, [7, 5], 2, torch(3), false),
  "dbb groups 1 2->3 stride 2 SAME even 8x8, 1x1 bias": dbb(9, 2, 3, [8, 8], 2, [0, 0, 1, 1], true),
  "repvgg 4->8 stride 2 even 8x8": repvgg(10, 4, 8, [8, 8], 2, torch(3), false),
  "repvgg 4->8 stride 2 SAME even 10x6": repvgg(11, 4, 8, [10, 6], 2, [0, 0, 1, 1], false),
  "dbb depthwise 4 avg pool 5x5": block(
    12,
    { family: "dbb", inChannels: 4, outChannels: 4, inputSize: [5, 5], stride: 1, activation: "none" },
    (d) => ({
      branches: [
        d.conv("dbb_origin", [4, 1, 3, 3], torch(3), { groups: 4 }),
        { kind: "avgpool", size: [3, 3], pads: torch(3), bn: d.bn(4), role: "dbb_avg" },
      ],
    }),
  ),
  "conv-bn 3->6 5x5": block(
    13,
    { family: "conv-bn", inChannels: 3, outChannels: 6, inputSize: [5, 5], stride: 1, activation: "none" },
    (d) => ({
      branches: [d.conv("conv", [6, 3, 3, 3], torch(3), { bias: true })],
    }),
  ),
  "repvgg identity 16->16 11x11 7x7": block(
    14,
    { family: "repvgg", inChannels: 16, outChannels: 16, inputSize: [11, 11], stride: 1, activation: "relu" },
    (d) => ({
      branches: [
        d.conv("rbr_dense", [16, 16, 7, 7], torch(7)),
        d.conv("rbr_1x1", [16, 16, 1, 1], [0, 0, 0, 0]),
        { kind: "identity", role: "rbr_identity" },
      ],
    }),
  ),
};

const g = (
  family: BlockSpec["family"],
  c: number,
  o: number,
  inputSize: [number, number],
  stride: number,
): Geometry => ({ family, inChannels: c, outChannels: o, inputSize, stride, activation: "none" });
const NONE: Pads4 = [0, 0, 0, 0];

/** Blocks the random generator does not make (depthwise multipliers, dilation, odd pads, bare or biased 1x1s before BNAndPad, tiny sizes). */
export const EDGE_SPECS: Readonly<Record<string, BlockSpec>> = {
  "depthwise multiplier 2, stride 2 odd 7x6": block(30, g("mobileone", 3, 6, [7, 6], 2), (d) => ({
    branches: [
      d.conv("rbr_conv.0", [6, 1, 3, 3], torch(3), { groups: 3 }),
      d.conv("rbr_scale", [6, 1, 1, 1], NONE, { groups: 3 }),
    ],
  })),
  "dilation 2 3x3 + 1x1": block(31, g("repvgg", 3, 4, [7, 7], 1), (d) => ({
    branches: [d.conv("rbr_dense", [4, 3, 3, 3], [2, 2, 2, 2], { dilation: 2 }), d.conv("rbr_1x1", [4, 3, 1, 1], NONE)],
  })),
  "unused bottom pads, stride 2 odd 7x7": block(32, g("repvgg", 3, 4, [7, 7], 2), (d) => ({
    branches: [d.conv("rbr_dense", [4, 3, 3, 3], [1, 1, 2, 2]), d.conv("rbr_1x1", [4, 3, 1, 1], [0, 0, 1, 1])],
  })),
  "dbb 1x1 with bias, no BN, before the pad": block(33, g("dbb", 3, 4, [5, 5], 1), (d) => ({
    branches: [
      d.conv("dbb_origin", [4, 3, 3, 3], torch(3)),
      d.sequential("dbb_1x1_kxk", 3, 3, 4, 3, torch(3), false, true, 1, false),
    ],
  })),
  "dbb bare 1x1 before the pad": block(34, g("dbb", 3, 4, [5, 5], 1), (d) => ({
    branches: [
      d.conv("dbb_origin", [4, 3, 3, 3], torch(3)),
      d.sequential("dbb_1x1_kxk", 3, 3, 4, 3, torch(3), false, false, 1, false),
    ],
  })),
  "dbb depthwise 1x1 -> depthwise 3x3": block(35, g("dbb", 4, 4, [6, 6], 1), (d) => ({
    branches: [
      d.conv("dbb_origin", [4, 1, 3, 3], torch(3), { groups: 4 }),
      d.sequential("dbb_1x1_kxk", 4, 4, 4, 3, torch(3), false, false, 4),
    ],
  })),
  "dbb depthwise avg pool, stride 2 7x8": block(36, g("dbb", 4, 4, [7, 8], 2), (d) => ({
    branches: [
      d.conv("dbb_origin", [4, 1, 3, 3], torch(3), { groups: 4 }),
      { kind: "avgpool", size: [3, 3], pads: torch(3), bn: d.bn(4), role: "dbb_avg" },
    ],
  })),
  "7x7 on a 1x1 input": block(37, g("repvgg", 2, 3, [1, 1], 1), (d) => ({
    branches: [d.conv("rbr_dense", [3, 2, 7, 7], torch(7)), d.conv("rbr_1x1", [3, 2, 1, 1], NONE)],
  })),
  "one channel, identity": block(38, g("repvgg", 1, 1, [4, 4], 1), (d) => ({
    branches: [
      d.conv("rbr_dense", [1, 1, 3, 3], torch(3)),
      d.conv("rbr_1x1", [1, 1, 1, 1], NONE),
      { kind: "identity", bn: d.bn(1), role: "rbr_identity" },
    ],
  })),
};

/** A grouped (not depthwise) block: TF.js cannot write it. */
export const GROUPED_SPEC: BlockSpec = block(
  20,
  { family: "repvgg", inChannels: 4, outChannels: 4, inputSize: [5, 5], stride: 1, activation: "none" },
  (d) => ({
    branches: [
      d.conv("rbr_dense", [4, 2, 3, 3], torch(3), { groups: 2 }),
      d.conv("rbr_1x1", [4, 2, 1, 1], [0, 0, 0, 0], { groups: 2 }),
    ],
  }),
);
