import type { ConstRef, GraphNodeView, NeutralOp } from "@reparam/core";

const filled = (n: number, v: number): ConstRef => ({ shape: [n], values: async () => new Float32Array(n).fill(v) });

/** The views with each per-channel scale + shift pair read as one BatchNorm, see {@link affineBatchNorms}. */
export interface AffineBatchNorms {
  readonly views: GraphNodeView[];
  /** Merged node id (the scale's) -> the shift node it also stands for (the writer removes both). */
  readonly absorbed: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads each per-channel `x * s` (a Mul of C > 1 channels) whose only
 * reader is a per-channel `+ t` of the same C (an Add / AddV2 / BiasAdd /
 * Sub with a constant) as one BatchNorm: gamma s, beta t, mean 0, variance
 * 1, epsilon 0, which is exactly s x + t (gamma / sqrt(1 + 0) = gamma,
 * beta - 0 = beta). That is how TF spells a Keras BatchNormalization that
 * it does not fuse (BatchNorm1d on tokens, `.../batchnorm/mul_1` and
 * `add_1`): so the matcher sees a BatchNorm wherever it would (pre-BN
 * sinking starts from BatchNorms) — only where such a region may start (its
 * output read by several nodes or by a layout op, its input not a conv's
 * that only it reads); elsewhere the pair stays two affines, which every
 * other matcher folds the same way. The node keeps the Mul's id and input
 * and takes the Add's output; the Add leaves the view.
 */
export function affineBatchNorms(
  views: readonly GraphNodeView[],
  readers: (t: string) => number,
  isOutput: (t: string) => boolean,
): AffineBatchNorms {
  const producer = new Map(views.flatMap((v) => v.outputs.map((o) => [o, v] as const)));
  const consumers = new Map<string, GraphNodeView[]>();
  for (const v of views) for (const i of v.inputs) consumers.set(i, [...(consumers.get(i) ?? []), v]);
  // Where a pre-BN region may start: read by several nodes or a layout op, and not the affine after a conv that
  // only it reads (conv + affine, named so, as before).
  const startsRegion = (out: string, input: string): boolean => {
    const cs = consumers.get(out) ?? [];
    if (!(readers(out) > 1 || cs.some((n) => n.op.kind === "layout"))) return false;
    return !(producer.get(input)?.op.kind === "conv" && readers(input) === 1);
  };
  const merged = new Map<string, GraphNodeView>();
  const absorbed = new Map<string, string[]>();
  const gone = new Set<string>();
  for (const add of views) {
    const shift = add.op.kind === "affine" && add.op.scale === undefined ? add.op.shift : undefined;
    if (shift === undefined || add.inputs.length !== 1 || add.outputs.length !== 1) continue;
    const mul = producer.get(add.inputs[0]!);
    const scale = mul?.op.kind === "affine" && mul.op.shift === undefined ? mul.op.scale : undefined;
    if (mul === undefined || scale === undefined || mul.inputs.length !== 1 || mul.outputs.length !== 1) continue;
    const c = scale.shape[0]!;
    const t = mul.outputs[0]!;
    if (c < 2 || shift.shape[0] !== c || readers(t) !== 1 || isOutput(t) || merged.has(mul.id)) continue;
    if (!startsRegion(add.outputs[0]!, mul.inputs[0]!)) continue;
    const op: NeutralOp = {
      kind: "batchnorm",
      gamma: scale,
      beta: shift,
      mean: filled(c, 0),
      variance: filled(c, 1),
      eps: 0,
    };
    merged.set(mul.id, { ...mul, op, outputs: add.outputs });
    absorbed.set(mul.id, [add.id]);
    gone.add(add.id);
  }
  return { views: views.filter((v) => !gone.has(v.id)).map((v) => merged.get(v.id) ?? v), absorbed };
}
