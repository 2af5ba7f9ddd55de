import { create } from "@bufbuild/protobuf";
import type { FusePlan, GraphBlockMatch } from "@reparam/core";
import {
  NodeProtoSchema,
  TensorProto_DataType as DT,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "onnx-buf";
import { isFloatType } from "../view/_constant-table.js";
import { copyMessage } from "../codec/_copy-message.js";
import { deadValues } from "./_dead-values.js";
import { fusedNames } from "./_fused-names.js";
import { fusedTensors, type FusionSource } from "./_fused-tensors.js";
import { storedType } from "./_stored-type.js";
import { nodeReads } from "../view/_graph-names.js";
import type { PendingData, PendingTensors } from "./_pending-data.js";
import { floatAttr, intAttr, intsAttr, makeAttribute } from "../codec/attribute-value.js";
import type { OnnxGraphView } from "../view/onnx-graph-view.js";
import { topologicalOrder } from "../view/topological-order.js";
import { bypassed, readingRenamed } from "./_bypass.js";
import { tokenLinear, tokenLinearNodes } from "./_token-linear.js";

/** Families of one conv folded with what follows or precedes it: the fused conv takes the conv's name. */
const SINGLE_CONV: ReadonlySet<string> = new Set(["conv-bn", "conv-affine", "bn-conv"]);

/** One block to replace: the matcher's match and where its fused conv comes from. */
export interface Fusion {
  readonly match: GraphBlockMatch;
  readonly source: FusionSource;
  /** A quantized kernel (a DequantizeLinear output) the fused conv reads as it is: only the bias is new. */
  readonly keptKernel?: string;
}

/** The rewritten model; the new weights' data is pending (made when written). */
export interface Fused {
  readonly model: ModelProto;
  readonly pending: PendingTensors;
}

function convNode(
  name: string,
  input: string,
  output: string,
  weight: string,
  bias: string,
  conv: FusePlan,
): NodeProto {
  const [, , kh, kw] = conv.kernelShape;
  return create(NodeProtoSchema, {
    name,
    opType: "Conv",
    input: [input, weight, bias],
    output: [output],
    attribute: [
      makeAttribute("dilations", intsAttr(conv.dilation)),
      makeAttribute("group", intAttr(conv.groups)),
      makeAttribute("kernel_shape", intsAttr([kh, kw])),
      makeAttribute("pads", intsAttr(conv.pads)),
      makeAttribute("strides", intsAttr(conv.stride)),
    ],
  });
}

/** A fused Linear block: Gemm(x, W [O, I], b) with transB = 1, as torch exports nn.Linear. */
function gemmNode(name: string, input: string, output: string, weight: string, bias: string): NodeProto {
  return create(NodeProtoSchema, {
    name,
    opType: "Gemm",
    input: [input, weight, bias],
    output: [output],
    attribute: [
      makeAttribute("alpha", floatAttr(1)),
      makeAttribute("beta", floatAttr(1)),
      makeAttribute("transB", intAttr(1)),
    ],
  });
}

function inputInfo(t: TensorProto): ValueInfoProto {
  const dim = t.dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: { case: "dimValue", value: d } }));
  const tensorType = create(TypeProto_TensorSchema, {
    elemType: t.dataType,
    shape: create(TensorShapeProtoSchema, { dim }),
  });
  return create(ValueInfoProtoSchema, {
    name: t.name,
    type: create(TypeProtoSchema, { value: { case: "tensorType", value: tensorType } }),
  });
}

/**
 * The fused weights' element type: that of the block's first conv kernel as
 * the conv sees it, or, in a block without convs, of its first float
 * constant (a BN's scale). ONNX gives a node's weights its input's type.
 */
export function blockDataType(g: OnnxGraphView, match: GraphBlockMatch): number {
  return blockTypes(g, match).type;
}

/**
 * {@link blockDataType}, and the type that constant is stored in: narrower
 * when the file keeps it float16/bfloat16 behind a Cast to the conv's type
 * (see {@link storedType}); the fused weights are then stored so too.
 */
function blockTypes(g: OnnxGraphView, match: GraphBlockMatch): { type: number; stored: number } {
  const ordered = [...match.nodes.filter((n) => n.op.kind === "conv"), ...match.nodes];
  for (const n of ordered) {
    for (const name of g.nodes.get(n.id)!.input) {
      const c = g.constants.get(name);
      if (c !== undefined && isFloatType(c.dataType)) return { type: c.dataType, stored: storedType(c, g.constants) };
    }
  }
  throw new TypeError(`block '${match.candidate.name}' reads no float constant`); // the matcher needs one for the channel count
}

/** Cast(input) to `to`, named `name`. */
function castNode(name: string, input: string, output: string, to: number): NodeProto {
  return create(NodeProtoSchema, {
    name,
    opType: "Cast",
    input: [input],
    output: [output],
    attribute: [makeAttribute("to", intAttr(to))],
  });
}

/** `base`, or `base_2`, `base_3`, ...: the first name not in `taken`, which it joins. */
function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * A copy of the model where each fusion's nodes are replaced by one Conv
 * (with bias; a Gemm for a Linear, MatMul + Add for a Linear on tokens)
 * reading the block input and writing the block output, at the
 * place of the node that made the output. BatchNorms a group folds as its
 * pre-BN (`bypass`) are removed and their readers read their inputs. Initializers and constant nodes
 * only the removed nodes used go (from the graph inputs too when they were
 * listed there, `keep_initializers_as_inputs`, and `g` held them as
 * constants), as do value_info entries of removed tensors; new weights are stored in the dtype the block's conv kernel had
 * (float16/bfloat16 behind a Cast when the file stored the kernel so),
 * their data made only when written (see {@link fusedTensors}). The model
 * passed in is not changed (untouched tensors are shared, not copied); opset
 * and IR version are kept. `keepStorage` false (a forced dtype) writes the
 * fused weights in the conv's type even where the file stored them narrower.
 */
export function applyFusions(
  model: ModelProto,
  g: OnnxGraphView,
  fusions: readonly Fusion[],
  keepStorage = true,
): Fused {
  const graph = model.graph!;
  const proto = (id: string) => g.nodes.get(id)!;
  // BatchNorms folded as a group's pre-BN go too; their readers read their inputs.
  const bypass = bypassed(fusions.map((f) => f.match));
  const removed = new Set(fusions.flatMap((f) => f.match.nodes.map((n) => proto(n.id))));
  for (const id of bypass.ids) removed.add(proto(id));
  const inputOf = (m: GraphBlockMatch) => bypass.renames.get(m.input) ?? m.input;
  const dead = deadValues(
    graph,
    removed,
    g.constants,
    fusions.flatMap((f) => [inputOf(f.match), ...(f.keptKernel === undefined ? [] : [f.keptKernel])]),
  );
  const kept = graph.node.filter((n) => !removed.has(n) && !dead.nodes.has(n));
  const taken = new Set([...graph.input, ...graph.output, ...graph.valueInfo].map((v) => v.name));
  for (const t of graph.initializer) if (!dead.initializers.has(t.name)) taken.add(t.name);
  for (const n of kept) for (const name of [...nodeReads(n), ...n.output]) taken.add(name);
  const takenNodes = new Set(kept.map((n) => n.name));
  const replacing = new Map<NodeProto, NodeProto[]>();
  const added: TensorProto[] = [];
  const pending = new Map<TensorProto, PendingData>();
  for (const { match, source, keptKernel } of fusions) {
    const first = match.nodes.find((n) => n.op.kind === "conv")!;
    // A one-conv fold (a BN or a bias Add after it, a BN before it) keeps the conv's own name.
    const own = SINGLE_CONV.has(match.candidate.family) || match.bypass !== undefined;
    const single = own ? proto(first.id).name || first.id : undefined;
    const names = fusedNames(
      match.candidate.name,
      match.nodes.map((n) => n.id),
      single,
      taken,
      takenNodes,
    );
    taken.add(names.weight).add(names.bias);
    takenNodes.add(names.node);
    const linear = match.nodes.some((n) => n.op.kind === "conv" && n.op.linear === true);
    const tokens = linear && tokenLinear(g, match);
    const types = blockTypes(g, match);
    const { type } = types;
    const stored = keepStorage ? types.stored : type;
    // Weights the file stores narrower behind a Cast stay so: stored in that type (rounded once), cast as before.
    const casts: NodeProto[] = [];
    const storedAs = (name: string) => {
      if (stored === type) return name;
      const raw = freshName(`${name}_${stored === DT.BFLOAT16 ? "bfloat16" : "float16"}`, taken);
      casts.push(castNode(freshName(`${name}_Cast`, takenNodes), raw, name, type));
      return raw;
    };
    const weight = keptKernel ?? names.weight;
    const fused = fusedTensors(
      source,
      stored,
      keptKernel ?? storedAs(names.weight),
      storedAs(names.bias),
      linear,
      tokens,
    );
    // A kept quantized kernel is read where it is: only the bias is written.
    const parts = keptKernel === undefined ? [0, 1] : [1];
    for (const i of parts) {
      pending.set(fused.tensors[i]!, fused.pending[i]!);
      added.push(fused.tensors[i]!);
    }
    const last = match.nodes.find((n) => n.outputs.includes(match.output))!;
    const input = inputOf(match);
    const lastName = proto(last.id).name;
    replacing.set(proto(last.id), [
      ...casts,
      ...(tokens
        ? tokenLinearNodes(
            names.node,
            lastName !== "" && lastName !== names.node ? lastName : freshName(`${names.node}_bias`, takenNodes),
            input,
            freshName(`${names.node}_output_0`, taken),
            match.output,
            weight,
            names.bias,
          )
        : [
            linear
              ? gemmNode(names.node, input, match.output, weight, names.bias)
              : convNode(names.node, input, match.output, weight, names.bias, source.plan),
          ]),
    ]);
  }
  const stale = new Set([...dead.initializers, ...[...removed, ...dead.nodes].flatMap((n) => n.output)]);
  for (const f of fusions) stale.delete(f.match.output);
  const node = graph.node.flatMap((n) =>
    replacing.has(n)
      ? replacing.get(n)!
      : removed.has(n) || dead.nodes.has(n)
        ? []
        : [readingRenamed(n, bypass.renames)],
  );
  const legacy = model.irVersion < 4n; // IR 3 lists every initializer among the graph inputs
  const next = copyMessage(graph, {
    node,
    initializer: [...graph.initializer.filter((t) => !dead.initializers.has(t.name)), ...added],
    valueInfo: graph.valueInfo.filter((v) => !stale.has(v.name)),
    // Initializers that were also graph inputs and are now dead leave the inputs with them.
    input: [
      ...(dead.inputs.size === 0 ? graph.input : graph.input.filter((v) => !dead.inputs.has(v.name))),
      ...(legacy ? added.map(inputInfo) : []),
    ],
  });
  next.node = topologicalOrder(next);
  return { model: copyMessage(model, { graph: next }), pending };
}
