import { ReparamError } from "@reparam/core";
import { type ModelProto, tensorValues } from "@reparam/onnx";
import type { FamilyNet, FamilyStep, Operand, StateDict, StateTensor } from "./family-net.js";
import { evalInt, foldFloat, type IntTensor, intTensor } from "./onnx-int-eval.js";

type OnnxNode = NonNullable<ModelProto["graph"]>["node"][number];

const attr = (n: OnnxNode, name: string) => n.attribute.find((a) => a.name === name);
const ints = (n: OnnxNode, name: string, fallback: number[]) => attr(n, name)?.ints.map(Number) ?? fallback;

function unsupported(where: string, found: string): never {
  throw new ReparamError("MODELS_UNSUPPORTED", "no family step computes this ONNX node", {
    where,
    expected:
      "Conv (groups 1 or depthwise), BatchNormalization, Add/Sub/Mul/Div, Relu, Sigmoid, Erf, HardSwish, LeakyRelu, " +
      "PRelu, Concat (axis 1), MaxPool, Pad (zeros), Slice (channels), DepthToSpace, Identity, shape arithmetic",
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
 * `dict` a constant), activations `unary` / `prelu`, `Concat` on channels
 * `concat`, `MaxPool` `maxpool`, `Pad` with zeros `pad`, `Slice` on
 * channels `slice`, `DepthToSpace` to one channel `depthToSpace`, a conv
 * strided and dilated at once a stride-1 conv then `subsample`. Integer
 * shape arithmetic is evaluated ({@link evalInt}), constant subgraphs folded
 * in float32 ({@link foldFloat}). Weights come from `dict` by key; the
 * returned dict adds the folded constants.
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
): { net: FamilyNet; dict: StateDict } {
  const g = model.graph!;
  const train = dict;
  const consts = new Map<string, StateTensor>(train);
  const input = g.input.find((i) => !train.has(i.name))!;
  const type = input.type?.value;
  if (type?.case !== "tensorType") unsupported(input.name, "a graph input that is not a tensor");
  const dims = type.value.shape!.dim.map((d) => Number(d.value.value));
  const readers = new Map<string, OnnxNode[]>();
  for (const n of g.node) for (const i of n.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  const names = new Map<string, string>([[input.name, "input"]]);
  /** NCHW shapes by ONNX tensor; integer tensors of the shape arithmetic by name. */
  const shapes = new Map<string, readonly number[]>([[input.name, dims]]);
  const intValues = new Map<string, IntTensor>();
  for (const t of g.initializer) {
    const v = intTensor(t);
    if (v !== undefined) intValues.set(t.name, v);
  }
  const steps: FamilyStep[] = [];
  const merged = new Set<OnnxNode>();
  const stepName = (tensor: string) => tensor.replace(/^\//, "").replace(/_output_0$/, "");
  const t = (onnx: string) => {
    const n = names.get(onnx);
    if (n === undefined) unsupported(onnx, "a tensor read before it is computed");
    return n;
  };
  const operand = (onnx: string): Operand => (consts.has(onnx) ? { key: onnx } : { tensor: t(onnx) });
  const bnPrefix = (n: OnnxNode) => {
    const p = n.input[1]!.replace(/\.weight$/, "");
    const want = ["weight", "bias", "running_mean", "running_var"].map((k) => `${p}.${k}`);
    const paddle = [`${p}._mean`, `${p}._variance`];
    const ok = (k: string, i: number) => (k === want[i] || k === paddle[i - 2]) && consts.has(want[i]!);
    if (!n.input.slice(1).every(ok)) unsupported(n.name, n.input.join(", "));
    if (Math.fround(attr(n, "epsilon")?.f ?? 1e-5) !== Math.fround(eps)) unsupported(n.name, "another BN epsilon");
    return p;
  };
  const push = (s: FamilyStep, onnxOut: string, shape: readonly number[]) => {
    steps.push(s);
    names.set(onnxOut, s.name);
    shapes.set(onnxOut, shape);
  };
  const known = (i: string) => intValues.get(i) ?? unsupported(i, "shape arithmetic that does not evaluate");
  for (const n of g.node) {
    if (merged.has(n)) continue;
    const out = n.output[0]!;
    if (n.opType === "Constant") {
      const v = attr(n, "value")?.t;
      const iv = v && intTensor(v);
      if (iv) intValues.set(out, iv);
      continue;
    }
    const iv = evalInt(
      n,
      (i) => intValues.get(i),
      (i) => shapes.get(i) ?? consts.get(i)?.shape ?? intValues.get(i)?.dims,
    );
    if (iv !== undefined) {
      intValues.set(out, iv);
      continue;
    }
    const fv = foldFloat(
      n,
      (i) => consts.get(i),
      (i) => intValues.get(i),
    );
    if (fv !== undefined) {
      consts.set(out, fv);
      continue;
    }
    const name = stepName(out);
    const x = n.input[0]!;
    const xs = shapes.get(x) ?? [];
    const [N, C, H, W] = xs as [number, number, number, number];
    switch (n.opType) {
      case "Identity":
        names.set(out, t(x));
        shapes.set(out, xs);
        break;
      case "Conv": {
        const w = consts.get(n.input[1]!);
        if (w === undefined) unsupported(n.name, `no weight ${n.input[1]}`);
        const groups = Number(attr(n, "group")?.i ?? 1n);
        const depthwise = groups > 1 && w.shape[1] === 1 && groups === C;
        if (groups > 1 && !depthwise) unsupported(n.name, `a grouped conv (groups ${groups})`);
        const [sh, sw] = ints(n, "strides", [1, 1]) as [number, number];
        const [dh, dw] = ints(n, "dilations", [1, 1]) as [number, number];
        if (dh !== dw) unsupported(n.name, "unequal dilations");
        const [pt, pl, pb, pr] = ints(n, "pads", [0, 0, 0, 0]) as [number, number, number, number];
        const next = readers.get(out) ?? [];
        const bn = foldConvBn && next.length === 1 && next[0]!.opType === "BatchNormalization" ? next[0] : undefined;
        if (bn !== undefined) merged.add(bn);
        const symmetric = pt === pl && pt === pb && pt === pr;
        const base = {
          op: "conv" as const,
          name: bn === undefined ? name : stepName(bn.output[0]!),
          x: t(x),
          weight: n.input[1]!,
          ...(n.input[2] ? { bias: n.input[2] } : {}),
          ...(bn === undefined ? {} : { bn: bnPrefix(bn) }),
          pad: pt,
          ...(symmetric ? {} : { pads: [pt, pl, pb, pr] as const }),
          dilation: dh,
          depthwise,
        };
        const step: FamilyStep = { ...base, stride: sh, ...(sw === sh ? {} : { strideW: sw }) };
        const [kh, kw] = [w.shape[2]!, w.shape[3]!];
        const size = (d: number, a: number, b: number, k: number, st: number) =>
          Math.floor((d + a + b - dh * (k - 1) - 1) / st) + 1;
        const shape = [N, w.shape[0]!, size(H, pt, pb, kh, sh), size(W, pl, pr, kw, sw)];
        const o = bn === undefined ? out : bn.output[0]!;
        if (dh > 1 && (sh > 1 || sw > 1)) {
          // TF has no conv strided and dilated at once: dilated at stride 1, then every sh-th row, sw-th column.
          push({ ...base, name: `${base.name}_dense`, stride: 1 }, `${o}#dense`, xs);
          push({ op: "subsample", name: step.name, x: `${step.name}_dense`, stride: [sh, sw] }, o, shape);
        } else push(step, o, shape);
        break;
      }
      case "BatchNormalization":
        push({ op: "bn", name, x: t(x), bn: bnPrefix(n) }, out, xs);
        break;
      case "Add":
      case "Sub":
      case "Mul":
      case "Div": {
        const fn = ({ Add: "add", Sub: "sub", Mul: "mul", Div: "div" } as const)[n.opType];
        const [a, b] = [operand(n.input[0]!), operand(n.input[1]!)];
        const first = "tensor" in a ? n.input[0]! : "tensor" in b ? n.input[1]! : unsupported(n.name, "two constants");
        push({ op: "binary", name, fn, a, b }, out, shapes.get(first)!);
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
        push({ op: "unary", name, x: t(x), fn, ...alpha }, out, xs);
        break;
      }
      case "PRelu":
        push({ op: "prelu", name, x: t(x), key: n.input[1]! }, out, xs);
        break;
      case "Concat": {
        if (Number(attr(n, "axis")?.i ?? 0n) !== 1) unsupported(n.name, "a concat off the channel axis");
        const c = n.input.reduce((sum, i) => sum + shapes.get(i)![1]!, 0);
        push({ op: "concat", name, xs: n.input.map(t) }, out, [N, c, H, W]);
        break;
      }
      case "MaxPool": {
        const [kh, kw] = ints(n, "kernel_shape", [1, 1]) as [number, number];
        const [sh, sw] = ints(n, "strides", [1, 1]);
        if (kh !== kw || sh !== sw || ints(n, "pads", [0, 0, 0, 0]).some((p) => p !== 0))
          unsupported(n.name, "a non-square or padded max pool");
        const size = (d: number) => Math.floor((d - kh) / sh!) + 1;
        push({ op: "maxpool", name, x: t(x), k: kh, stride: sh! }, out, [N, C, size(H), size(W)]);
        break;
      }
      case "Pad": {
        // ONNX pads [n0, c0, t, l, n1, c1, b, r]; only H and W, with zeros.
        const [n0, c0, pt, pl, n1, c1, pb, pr] = known(n.input[1]!).v as number[];
        const value = n.input[2] ? consts.get(n.input[2])?.data[0] : 0;
        const mode = attr(n, "mode")?.s;
        if (n0 || c0 || n1 || c1 || value !== 0 || (mode && new TextDecoder().decode(mode) !== "constant"))
          unsupported(n.name, "a pad off H and W, or not with zeros");
        push({ op: "pad", name, x: t(x), pads: [pt!, pl!, pb!, pr!] }, out, [N, C, H + pt! + pb!, W + pl! + pr!]);
        break;
      }
      case "Slice": {
        const [start, end, axis, step] = [1, 2, 3, 4].map((i) => (n.input[i] ? known(n.input[i]!).v : [1]));
        if (axis!.length !== 1 || axis![0] !== 1 || step![0] !== 1) unsupported(n.name, "a slice off the channels");
        const [s0, e0] = [start![0]!, Math.min(end![0]!, C)];
        push({ op: "slice", name, x: t(x), begin: s0, size: e0 - s0 }, out, [N, e0 - s0, H, W]);
        break;
      }
      case "DepthToSpace": {
        const r = Number(attr(n, "blocksize")?.i ?? 1n);
        // PyTorch's pixel shuffle (CRD) and TF's DepthToSpace (DCR) order the channels alike for one output channel.
        if (C !== r * r) unsupported(n.name, "a pixel shuffle to more than one channel");
        push({ op: "depthToSpace", name, x: t(x), block: r }, out, [N, 1, H * r, W * r]);
        break;
      }
      default:
        unsupported(n.name, n.opType);
    }
  }
  const last = names.get(g.output[0]!.name);
  if (last !== steps.at(-1)?.name) unsupported(g.output[0]!.name, "a graph output that is not the last node");
  return { net: { name: caseName, input: [dims[0]!, dims[2]!, dims[3]!, dims[1]!], eps, steps }, dict: consts };
}
