import type { BlockSpec } from "../block-spec.js";

/** [H', W'] of a block's output, from its first branch that is not an identity (all branches agree). */
export function blockOutputSize(spec: BlockSpec): [number, number] {
  const s = spec.stride;
  const out = (n: number, before: number, after: number, window: number) =>
    Math.floor((n + before + after - window) / s) + 1;
  const [h, w] = spec.inputSize;
  for (const b of spec.branches) {
    if (b.kind === "identity") continue;
    const [kh, kw] =
      b.kind === "conv"
        ? [(b.kernel.shape[2] - 1) * b.dilation[0] + 1, (b.kernel.shape[3] - 1) * b.dilation[1] + 1]
        : b.kind === "avgpool"
          ? b.size
          : b.second !== undefined
            ? [b.second.kernel.shape[2], b.second.kernel.shape[3]]
            : b.pool!.size;
    return [out(h, b.pads[0], b.pads[2], kh), out(w, b.pads[1], b.pads[3], kw)];
  }
  return [h, w];
}
