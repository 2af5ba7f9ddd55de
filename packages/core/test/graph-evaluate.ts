// Runs a neutral graph view node by node with the naive reference ops (float64): what the model computes.
import { addTensors, avgPool, batchNorm, conv2d, padTensor, type Tensor4 } from "@reparam/test-utils";
import type { GraphNodeView, Pads, Padding, Pair } from "../src/index.js";
import { effectivePads } from "../src/index.js";

async function values(ref: { values(): Promise<ArrayLike<number>> }): Promise<ArrayLike<number>> {
  return ref.values();
}

function pads(p: Padding, k: Pair, s: Pair, d: Pair, x: Tensor4): Pads {
  return effectivePads(p, k, s, d, [x.shape[2], x.shape[3]])!;
}

async function evaluateNode(n: GraphNodeView, ins: readonly Tensor4[]): Promise<Tensor4> {
  const x = ins[0]!;
  const op = n.op;
  switch (op.kind) {
    case "conv": {
      const shape = op.kernel.shape as [number, number, number, number];
      const bias = op.bias ? await values(op.bias) : undefined;
      const weight = { data: await values(op.kernel), shape };
      return conv2d(x, {
        weight,
        ...(bias ? { bias } : {}),
        stride: op.stride,
        pads: pads(op.padding, [shape[2], shape[3]], op.stride, op.dilation, x),
        dilation: op.dilation,
        groups: op.groups,
      });
    }
    case "batchnorm": {
      const [gamma, beta, mean, variance] = await Promise.all([op.gamma, op.beta, op.mean, op.variance].map(values));
      return batchNorm(x, { gamma: gamma!, beta: beta!, mean: mean!, variance: variance!, eps: op.eps });
    }
    case "affine": {
      const scale = op.scale ? await values(op.scale) : [1];
      const shift = op.shift ? await values(op.shift) : [0];
      const [, c, h, w] = x.shape;
      const at = (v: ArrayLike<number>, ch: number) => (v.length === 1 ? v[0]! : v[ch]!);
      const data = x.data.map(
        (v, i) => v * at(scale, Math.floor(i / (h * w)) % c) + at(shift, Math.floor(i / (h * w)) % c),
      );
      return { data, shape: x.shape };
    }
    case "pad":
      return padTensor(x, op.pads, () => op.value ?? 0);
    case "avgpool":
      return avgPool(x, op.size, op.stride, pads(op.padding, op.size, op.stride, [1, 1], x));
    case "add":
      return addTensors(ins);
    case "sub":
      return { data: x.data.map((v, i) => v - ins[1]!.data[i]!), shape: x.shape };
    case "layout":
    case "other":
      throw new Error(`evaluateGraph: '${n.id}' is "${op.kind}" (4-D ops only)`);
  }
}

/** The value of tensor `want` for input tensors `inputs`, evaluating nodes in the order given (topological). */
export async function evaluateGraph(
  nodes: readonly GraphNodeView[],
  inputs: Readonly<Record<string, Tensor4>>,
  want: string,
): Promise<Tensor4> {
  const env = new Map<string, Tensor4>(Object.entries(inputs));
  for (const n of nodes) {
    if (env.has(n.outputs[0]!) || !n.inputs.every((i) => env.has(i)) || n.op.kind === "other") continue;
    env.set(
      n.outputs[0]!,
      await evaluateNode(
        n,
        n.inputs.map((i) => env.get(i)!),
      ),
    );
  }
  const out = env.get(want);
  if (out === undefined) throw new Error(`evaluateGraph: '${want}' not computed`);
  return out;
}
