import { ReparamError } from "@reparam/core";
import { type ModelProto, tensorValues } from "@reparam/onnx";
import type { FamilyNet, FamilyStep, Operand, StateDict, StateTensor } from "./family-net.js";

type OnnxNode = NonNullable<ModelProto["graph"]>["node"][number];

const attr = (n: OnnxNode, name: string) => n.attribute.find((a) => a.name === name);
const ints = (n: OnnxNode, name: string, fallback: number[]) => attr(n, name)?.ints.map(Number) ?? fallback;

function unsupported(where: string, found: string): never {
  throw new ReparamError("MODELS_UNSUPPORTED", "no family step computes this ONNX node", {
    where,
    expected:
      "Conv (groups 1 or depthwise), BatchNormalization, Add/Sub/Mul/Div, Relu, Sigmoid, Erf, HardSwish, LeakyRelu, Concat (axis 1), MaxPool",
    found,
  });
}

/**
 * The train state dict joined with the ONNX model's float constants that it
 * lacks (initializers and `Constant` nodes, by tensor name: GELU's 0.5, a
 * zero added, a refuse case's weights where no safetensors exist). The
 * net reads the upstream weights from the state dict; a tensor of both must
 * hold the same values.
 */
export function withOnnxConstants(model: ModelProto, dict: StateDict = new Map()): StateDict {
  const out = new Map<string, StateTensor>(dict);
  const add = (name: string, t: Parameters<typeof tensorValues>[0]) => {
    const v = tensorValues(t);
    if (v.dtype !== "float32") return;
    const data = Float32Array.from(v.values);
    const known = out.get(name);
    if (known === undefined) out.set(name, { shape: t.dims.map(Number), data });
    else if (known.data.length !== data.length || known.data.some((u, i) => !Object.is(u, data[i])))
      throw new ReparamError("MODELS_BAD_ARGUMENT", "the ONNX model and the state dict disagree", {
        where: name,
        expected: "the state dict's values",
        found: "other values in the ONNX model",
      });
  };
  for (const t of model.graph!.initializer) add(t.name, t);
  for (const n of model.graph!.node) {
    const t = n.opType === "Constant" ? attr(n, "value")?.t : undefined;
    if (t !== undefined) add(n.output[0]!, t);
  }
  for (const [k, v] of [...out]) {
    const paddle = /^(.*)\.(_mean|_variance)$/.exec(k);
    if (paddle !== null) out.set(`${paddle[1]}.${paddle[2] === "_mean" ? "running_mean" : "running_var"}`, v);
  }
  return out;
}

/**
 * A families2 case's net, read off its `train_unfolded.onnx` (every
 * BatchNormalization kept, weights named by their state-dict keys) node by
 * node, NCHW made NHWC: a Conv whose only reader is a BatchNormalization
 * becomes one conv step with that BN (the TF.js converter's
 * `_FusedConv2D`), other BNs `bn` steps (keys `<prefix>.weight`, `.bias`,
 * `.running_mean`, `.running_var`), arithmetic `binary` (an operand found in
 * `dict` a constant), activations `unary`, `Concat` on channels `concat`,
 * `MaxPool` `maxpool`. Weights come from `dict` by key.
 *
 * @param eps - the BNs' epsilon (every BN of the graph must have it, to float32).
 * @param foldConvBn - false: every BN its own `bn` step, as a graph that
 *   grappler did not optimize would hold it.
 * @throws ReparamError `MODELS_UNSUPPORTED` for any other node, a grouped
 *   (not depthwise) conv, unequal dilations, a BN whose keys are
 *   not `<prefix>.<weight|bias|running_mean|running_var>`.
 */
export function onnxFamilyNet(
  caseName: string,
  model: ModelProto,
  dict: StateDict,
  eps: number,
  foldConvBn = true,
): FamilyNet {
  const g = model.graph!;
  const input = g.input.find((i) => !dict.has(i.name))!;
  const type = input.type?.value;
  if (type?.case !== "tensorType") unsupported(input.name, "a graph input that is not a tensor");
  const dims = type.value.shape!.dim.map((d) => Number(d.value.value));
  const readers = new Map<string, OnnxNode[]>();
  for (const n of g.node) for (const i of n.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  const names = new Map<string, string>([[input.name, "input"]]);
  const channels = new Map<string, number>([["input", dims[1]!]]);
  const steps: FamilyStep[] = [];
  const merged = new Set<OnnxNode>();
  const stepName = (tensor: string) => tensor.replace(/^\//, "").replace(/_output_0$/, "");
  const t = (onnx: string) => {
    const n = names.get(onnx);
    if (n === undefined) unsupported(onnx, "a tensor read before it is computed");
    return n;
  };
  const operand = (onnx: string): Operand => (dict.has(onnx) ? { key: onnx } : { tensor: t(onnx) });
  const bnPrefix = (n: OnnxNode) => {
    const p = n.input[1]!.replace(/\.weight$/, "");
    const want = ["weight", "bias", "running_mean", "running_var"].map((k) => `${p}.${k}`);
    const paddle = [`${p}._mean`, `${p}._variance`];
    const ok = (k: string, i: number) => (k === want[i] || k === paddle[i - 2]) && dict.has(want[i]!);
    if (!n.input.slice(1).every(ok)) unsupported(n.name, n.input.join(", "));
    if (Math.fround(attr(n, "epsilon")?.f ?? 1e-5) !== Math.fround(eps)) unsupported(n.name, "another BN epsilon");
    return p;
  };
  const push = (s: FamilyStep, onnxOut: string, c: number) => {
    steps.push(s);
    names.set(onnxOut, s.name);
    channels.set(s.name, c);
  };
  for (const n of g.node) {
    if (merged.has(n) || n.opType === "Constant") continue;
    const out = n.output[0]!;
    const name = stepName(out);
    const x = n.input[0]!;
    const c = channels.get(names.get(x) ?? "") ?? 0;
    switch (n.opType) {
      case "Conv": {
        const w = dict.get(n.input[1]!);
        if (w === undefined) unsupported(n.name, `no weight ${n.input[1]}`);
        const groups = Number(attr(n, "group")?.i ?? 1n);
        const depthwise = groups > 1 && w.shape[1] === 1 && groups === c;
        if (groups > 1 && !depthwise) unsupported(n.name, `a grouped conv (groups ${groups})`);
        const [sh, sw] = ints(n, "strides", [1, 1]);
        const [dh, dw] = ints(n, "dilations", [1, 1]);
        if (dh !== dw) unsupported(n.name, "unequal dilations");
        const [pt, pl, pb, pr] = ints(n, "pads", [0, 0, 0, 0]) as [number, number, number, number];
        const next = readers.get(out) ?? [];
        const bn = foldConvBn && next.length === 1 && next[0]!.opType === "BatchNormalization" ? next[0] : undefined;
        if (bn !== undefined) merged.add(bn);
        const symmetric = pt === pl && pt === pb && pt === pr;
        const step: FamilyStep = {
          op: "conv",
          name: bn === undefined ? name : stepName(bn.output[0]!),
          x: t(x),
          weight: n.input[1]!,
          ...(n.input[2] ? { bias: n.input[2] } : {}),
          ...(bn === undefined ? {} : { bn: bnPrefix(bn) }),
          stride: sh!,
          ...(sw === sh ? {} : { strideW: sw! }),
          pad: pt,
          ...(symmetric ? {} : { pads: [pt, pl, pb, pr] as const }),
          dilation: dh!,
          depthwise,
        };
        push(step, bn === undefined ? out : bn.output[0]!, w.shape[0]!);
        break;
      }
      case "BatchNormalization":
        push({ op: "bn", name, x: t(x), bn: bnPrefix(n) }, out, c);
        break;
      case "Add":
      case "Sub":
      case "Mul":
      case "Div": {
        const fn = ({ Add: "add", Sub: "sub", Mul: "mul", Div: "div" } as const)[n.opType];
        const [a, b] = [operand(n.input[0]!), operand(n.input[1]!)];
        const first = "tensor" in a ? a.tensor : "tensor" in b ? b.tensor : unsupported(n.name, "two constants");
        push({ op: "binary", name, fn, a, b }, out, channels.get(first)!);
        break;
      }
      case "Relu":
      case "Sigmoid":
      case "Erf":
      case "HardSwish":
      case "LeakyRelu": {
        const fn = (
          { Relu: "relu", Sigmoid: "sigmoid", Erf: "erf", HardSwish: "hardswish", LeakyRelu: "leakyrelu" } as const
        )[n.opType];
        const alpha = n.opType === "LeakyRelu" ? { alpha: attr(n, "alpha")?.f ?? 0.01 } : {};
        push({ op: "unary", name, x: t(x), fn, ...alpha }, out, c);
        break;
      }
      case "Concat": {
        if (Number(attr(n, "axis")?.i ?? 0n) !== 1) unsupported(n.name, "a concat off the channel axis");
        const xs = n.input.map(t);
        push(
          { op: "concat", name, xs },
          out,
          xs.reduce((s, u) => s + channels.get(u)!, 0),
        );
        break;
      }
      case "MaxPool": {
        const [kh, kw] = ints(n, "kernel_shape", [1, 1]);
        const [sh, sw] = ints(n, "strides", [1, 1]);
        if (kh !== kw || sh !== sw || ints(n, "pads", [0, 0, 0, 0]).some((p) => p !== 0))
          unsupported(n.name, "a non-square or padded max pool");
        push({ op: "maxpool", name, x: t(x), k: kh!, stride: sh! }, out, c);
        break;
      }
      default:
        unsupported(n.name, n.opType);
    }
  }
  const last = names.get(g.output[0]!.name);
  if (last !== steps.at(-1)?.name) unsupported(g.output[0]!.name, "a graph output that is not the last node");
  return { name: caseName, input: [dims[0]!, dims[2]!, dims[3]!, dims[1]!], eps, steps };
}
