import type { BlockSpec, FamilyName } from "./block-spec.js";
import { BlockDraw } from "./_block-draw.js";
import { familyBranches } from "./_family-branches.js";
import { Rng } from "./rng.js";
import type { PadMode } from "./same-pads.js";

const FAMILIES: readonly (readonly [FamilyName, number])[] = [
  ["repvgg", 20],
  ["qarepvgg", 12],
  ["mobileone", 18],
  ["acnet", 12],
  ["repconv", 10],
  ["dbb", 16],
  ["conv-bn", 12],
];

/** Families whose blocks are often depthwise (MobileOne's depthwise stages, DBB's depthwise blocks). */
const DEPTHWISE_SHARE: Partial<Record<FamilyName, number>> = { mobileone: 0.5, dbb: 0.3 };

interface Channels {
  readonly c: number;
  readonly o: number;
  readonly g: number;
}

/** In/out channels (1..16) and groups: dense, grouped (g = 2..4 dividing both) or depthwise (g = C = O). */
function drawChannels(rng: Rng, family: FamilyName): Channels {
  const sameShare = family === "conv-bn" || family === "acnet" ? 0.3 : 0.6;
  const kind = rng.weighted<"dense" | "grouped" | "depthwise">([
    ["dense", 0.6],
    ["grouped", 0.2],
    ["depthwise", DEPTHWISE_SHARE[family] ?? 0.2],
  ]);
  if (kind === "depthwise") {
    const c = rng.int(1, 16);
    return { c, o: c, g: c };
  }
  const g = kind === "grouped" ? rng.int(2, 4) : 1;
  const c = g * rng.int(1, Math.floor(16 / g));
  const o = rng.bool(sameShare) ? c : g * rng.int(1, Math.floor(16 / g));
  return { c, o, g };
}

function drawKernel(rng: Rng, family: FamilyName): number {
  // ACNet and DBB need a window larger than 1x1 (their kx1/1xk and avg branches); YOLOv7's RepConv is 3x3.
  if (family === "repconv") return rng.bool(0.8) ? 3 : rng.pick([1, 5]);
  const small = family === "acnet" || family === "dbb" ? [] : ([[1, 0.1]] as const);
  return rng.weighted<number>([...small, [3, 0.55], [5, 0.2], [7, 0.15]]);
}

/**
 * A random train-time block, deterministic from `seed`: a family, channels
 * 1..16 (dense, grouped or depthwise), stride 1 or 2, kernel 1/3/5/7, pads
 * as PyTorch writes them or TF/ONNX 'same' (asymmetric at stride 2 on even
 * sizes), input sizes 1..11 (odd and even), BN statistics with tiny
 * variances, eps 1e-5 or 1e-3, ReLU after the block or not. Every stored
 * value is a float32. Only blocks the family's own code builds come out (no
 * identity at stride 2 or with in != out), so every block is fusable.
 */
export function generateBlock(seed: number): BlockSpec {
  const rng = new Rng(seed);
  const family = rng.weighted(FAMILIES);
  const { c, o, g } = drawChannels(rng, family);
  const stride = rng.bool(0.35) ? 2 : 1;
  const k = drawKernel(rng, family);
  const inputSize: [number, number] = [rng.int(1, 11), rng.int(1, 11)];
  const padMode = rng.weighted<PadMode>([
    ["torch", 0.65],
    ["same-upper", 0.25],
    ["same-lower", 0.1],
  ]);
  const eps = rng.bool(family === "repconv" ? 0.8 : 0.3) ? 1e-3 : 1e-5;
  const draw = new BlockDraw(rng, c, o, g, stride, inputSize, padMode, eps);
  const { branches, postBn } = familyBranches(family, draw, k);
  const activation = rng.bool() ? "relu" : "none";
  return {
    seed,
    family,
    inChannels: c,
    outChannels: o,
    inputSize,
    stride,
    branches,
    ...(postBn === undefined ? {} : { postBn }),
    activation,
  };
}
