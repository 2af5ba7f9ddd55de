import type { GraphNodeView } from "@reparam/core";

/**
 * True for a match that is one Linear (a MatMul / Dense read as a 1x1 conv)
 * and constants added after it, nothing else: the converter's `MatMul` +
 * `BiasAdd`, which re-parameterizes nothing. Left as it is, so that such a
 * model converts to the same files as before Linears were read (a Linear
 * with a BatchNorm or a scale around it is a block).
 */
export function isLinearBias(nodes: readonly GraphNodeView[]): boolean {
  const convs = nodes.filter((n) => n.op.kind === "conv");
  const linear = convs.length === 1 && convs[0]!.op.kind === "conv" && convs[0]!.op.linear === true;
  return linear && nodes.every((n) => n.op.kind === "conv" || (n.op.kind === "affine" && n.op.scale === undefined));
}
