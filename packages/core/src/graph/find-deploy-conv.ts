import type { Pads, Pair } from "../block/block.js";
import type { DeployConv } from "../contract/deploy-conv.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { effectivePads } from "./same-pads.js";

type ConvNode = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: "conv" }> };

/** Where a block was found in the original graph: the tensor it reads and the tensor it produces. */
export interface BlockSite {
  readonly input: string;
  readonly output: string;
}

/** The conv that stands for a block in a converted graph, and the zero padding in front of it (a separate Pad / ZeroPadding2D). */
export interface DeployConvNode {
  readonly conv: ConvNode;
  readonly pad: Pads;
}

/** The tensor that holds the block's result in the converted graph: the same name, or what the block's readers read instead. */
function resultTensor(original: GraphView, converted: GraphView, output: string): string | undefined {
  if (converted.producer(output) !== undefined) return output;
  const byId = new Map(converted.nodes.map((n) => [n.id, n] as const));
  for (const reader of original.consumers(output)) {
    const now = byId.get(reader.id);
    const k = reader.inputs.indexOf(output);
    if (now !== undefined && k >= 0 && now.inputs[k] !== undefined) return now.inputs[k];
  }
  return undefined;
}

/**
 * Finds, in a converted graph, the conv that replaced a block found at
 * `site` in the original graph: the producer of the block's result (kept
 * under its name, as ONNX does, or renamed and read by the block's former
 * readers, as TF.js does), if that is a conv reading the block's input,
 * directly or through one zero Pad. Undefined when the block is not one conv
 * there (not fused, or something else stands in its place).
 */
export function findDeployConv(original: GraphView, converted: GraphView, site: BlockSite): DeployConvNode | undefined {
  const t = resultTensor(original, converted, site.output);
  const node = t === undefined ? undefined : converted.producer(t);
  if (node === undefined || node.op.kind !== "conv" || node.inputs.length !== 1) return undefined;
  const conv = node as ConvNode;
  const x = conv.inputs[0]!;
  if (x === site.input) return { conv, pad: [0, 0, 0, 0] };
  const pad = converted.producer(x);
  if (
    pad !== undefined &&
    pad.op.kind === "pad" &&
    (pad.op.value ?? 0) === 0 &&
    pad.inputs.length === 1 &&
    pad.inputs[0] === site.input
  )
    return { conv, pad: pad.op.pads };
  return undefined;
}

/**
 * Reads a found conv as a {@link DeployConv}: kernel and bias values as
 * stored (the adapter's constants), pads its own (SAME resolved at `size`,
 * the size of what it reads) plus the Pad in front of it, and `unit`, the
 * roundoff of the dtype its weights are stored in. Undefined when SAME
 * padding needs a size nobody knows.
 */
export async function readDeployConv(
  found: DeployConvNode,
  size: Pair | undefined,
  unit: number,
): Promise<DeployConv | undefined> {
  const op = found.conv.op;
  const shape = op.kernel.shape as readonly [number, number, number, number];
  const own = effectivePads(op.padding, [shape[2], shape[3]], op.stride, op.dilation, size);
  if (own === undefined) return undefined;
  const [data, bias] = await Promise.all([op.kernel.values(), op.bias?.values()]);
  const p = found.pad;
  return {
    kernel: { data, shape },
    bias: bias ?? new Float64Array(shape[0]),
    stride: op.stride,
    pads: [own[0] + p[0], own[1] + p[1], own[2] + p[2], own[3] + p[3]],
    dilation: op.dilation,
    groups: op.groups,
    unit,
  };
}
