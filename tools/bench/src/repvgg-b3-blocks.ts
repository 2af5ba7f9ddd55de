import type { Block, ConvBranch } from "@reparam/core";

/** Deterministic fast PRNG for bulk weights. */
function fill(arr: Float32Array, seed: number): Float32Array {
  let a = seed >>> 0;
  for (let i = 0; i < arr.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    arr[i] = (a / 4294967296 - 0.5) * 0.1;
  }
  return arr;
}

function bn(c: number, seed: number) {
  const r = fill(new Float32Array(4 * c), seed);
  return {
    gamma: r.subarray(0, c).map((v) => 1 + v),
    beta: r.subarray(c, 2 * c),
    mean: r.subarray(2 * c, 3 * c),
    variance: r.subarray(3 * c).map((v) => 1 + Math.abs(v)),
    eps: 1e-5,
  };
}

function conv(o: number, c: number, k: number, stride: number, groups: number, seed: number): ConvBranch {
  return {
    kind: "conv",
    kernel: { data: fill(new Float32Array(o * (c / groups) * k * k), seed), shape: [o, c / groups, k, k] },
    bn: bn(o, seed + 1),
    stride: [stride, stride],
    pads: [k >> 1, k >> 1, k >> 1, k >> 1],
    dilation: [1, 1],
    groups,
  };
}

/**
 * The RepVGG blocks of an official architecture (widths 64 * [a, a, a, b] scaled
 * per stage, stem min(64, 64a), first block of every stage at stride 2):
 * B3 = depths [4, 6, 16, 1], multipliers [3, 3, 3, 5].
 */
export function repvggBlocks(
  depths: readonly number[] = [4, 6, 16, 1],
  widths: readonly number[] = [192, 384, 768, 2560],
  stem = 64,
): Block[] {
  const blocks: Block[] = [];
  let c = 3;
  let seed = 1;
  const add = (o: number, stride: number, name: string) => {
    const branches: Block["branches"][number][] = [conv(o, c, 3, stride, 1, seed++), conv(o, c, 1, stride, 1, seed++)];
    if (o === c && stride === 1) branches.push({ kind: "identity", bn: bn(c, seed++) });
    blocks.push({ name, inChannels: c, branches });
    c = o;
  };
  add(stem, 2, "stage0");
  depths.forEach((d, s) => {
    for (let i = 0; i < d; i++) add(widths[s]!, i === 0 ? 2 : 1, `stage${s + 1}.${i}`);
  });
  return blocks;
}

/** Train-time parameter count of blocks (kernels + 4 BN vectors per BN). */
export function parameterCount(blocks: readonly Block[]): number {
  let n = 0;
  for (const b of blocks)
    for (const br of b.branches) {
      if (br.kind === "conv") n += br.kernel.data.length + (br.bn ? 2 * br.bn.gamma.length : 0);
      if (br.kind === "identity" && br.bn) n += 2 * br.bn.gamma.length;
    }
  return n;
}
