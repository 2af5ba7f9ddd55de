import {
  buildModel,
  encodeModel,
  intAttr,
  intsAttr,
  TensorProto_DataType as DT,
  type InitializerSpec,
  type ModelProto,
  type NodeSpec,
} from "@reparam/onnx";
import { readFile } from "node:fs/promises";
import { seededRandom } from "../weights/seeded-random.js";
import { int32InputTfjs } from "./int32-input-tfjs.js";
import { repBlockOnnx } from "./rep-block-onnx.js";

type Graph = NonNullable<ModelProto["graph"]>;
const OPSET = 13;
const C = 3;

function model(
  inputs: { name: string; dims?: (number | string)[]; type?: "float32" | "float16" | "int32" | "int64" }[],
  outputs: { name: string; dims?: (number | string)[] }[],
  nodes: NodeSpec[],
  initializers: InitializerSpec[],
): ModelProto {
  const m = buildModel({ opset: OPSET, inputs, outputs, nodes, initializers, name: "verify-inputs" });
  m.producerName = "@reparam-tools/models";
  return m;
}

/** Sets graph input `name`'s element type (for types `buildModel` does not name, such as bool). */
function setInputType(graph: Graph, name: string, elemType: DT): void {
  const t = graph.input.find((v) => v.name === name)!.type!.value;
  if (t.case === "tensorType") t.value.elemType = elemType;
}

/** A model of one block over `x` [1, 3, 16, 16] (or `dims`), then `tail` nodes from the block output `b`. */
function blockModel(
  extra: { name: string; dims?: (number | string)[]; type?: "float32" | "float16" | "int32" | "int64" }[],
  head: NodeSpec[],
  tail: NodeSpec[],
  output: { name: string; dims?: (number | string)[] },
  x: { name: string; dims?: (number | string)[]; type?: "float32" | "float16" | "int32" | "int64" } = {
    name: "x",
    dims: [1, C, 16, 16],
  },
  more: InitializerSpec[] = [],
): ModelProto {
  const input = head.length > 0 ? head[head.length - 1]!.outputs[0]! : x.name;
  const block = repBlockOnnx("block", input, "b", C);
  return model([x, ...extra], [output], [...head, ...block.nodes, ...tail], [...block.initializers, ...more]);
}

/** The LSTM: X [time, 1, 8], initial state h0 and c0 declared without a shape, hidden size 4. */
function lstmModel(): ModelProto {
  const hidden = 4;
  const features = 8;
  const w = (name: string, dims: number[]) => ({
    name,
    dims,
    data: seededRandom(0, name).uniform(new Float32Array(dims.reduce((p, d) => p * d, 1)), -0.5, 0.5),
  });
  return model(
    [{ name: "X", dims: ["time", 1, features] }, { name: "h0" }, { name: "c0" }],
    [
      { name: "Y", dims: ["time", 1, 1, hidden] },
      { name: "Y_h", dims: [1, 1, hidden] },
    ],
    [
      {
        op: "LSTM",
        name: "lstm/LSTM",
        inputs: ["X", "W", "R", "B", "", "h0", "c0"],
        outputs: ["Y", "Y_h"],
        attrs: { hidden_size: intAttr(hidden) },
      },
    ],
    [w("W", [1, 4 * hidden, features]), w("R", [1, 4 * hidden, hidden]), w("B", [1, 8 * hidden])],
  );
}

/** `If(flag)`: the block output through Relu when `flag`, negated otherwise (both branches read `b` from the outer scope). */
function ifModel(): ModelProto {
  const branch = (op: string, out: string) =>
    model([], [{ name: out }], [{ op, inputs: ["b"], outputs: [out] }], []).graph!;
  const m = blockModel(
    [{ name: "flag", dims: [] }],
    [],
    [
      {
        op: "If",
        name: "if/If",
        inputs: ["flag"],
        outputs: ["y"],
        attrs: { then_branch: intsAttr([]), else_branch: intsAttr([]) },
      },
    ],
    { name: "y", dims: [1, C, 16, 16] },
  );
  const graph = m.graph!;
  setInputType(graph, "flag", DT.BOOL);
  const node = graph.node.find((n) => n.opType === "If")!;
  const graphs = [branch("Relu", "then_y"), branch("Neg", "else_y")];
  // buildModel has no GRAPH attributes: the two empty placeholders become them (AttributeProto.type 5 = GRAPH).
  for (const [i, a] of node.attribute.entries()) {
    a.type = 5;
    a.g = graphs[i]!;
  }
  for (const g of graphs) g.name = g.output[0]!.name.replace("_y", "_branch");
  return m;
}

const cast = (from: string, to: string): NodeSpec => ({
  op: "Cast",
  name: `${to}/Cast`,
  inputs: [from],
  outputs: [to],
  attrs: { to: intAttr(DT.FLOAT) },
});

/**
 * ONNX models whose inputs `verify` must feed beyond float32 images of a
 * declared shape, each built around one RepVGG block (except the LSTM),
 * all a few KB, by file name:
 *
 * - `symbolic-dims.onnx`: `x` [batch, 3, height, width], block, AveragePool
 *   4x4 stride 4 (1x1 inputs fail: any size from 4 runs);
 * - `fixed-size.onnx`: `x` [batch, 3, height, width], block, Reshape to
 *   [1, 3072] (runs only at 32x32);
 * - `int64-scalar.onnx`: `x` [1, 3, 16, 16] and `sr` int64 rank 0, the block
 *   output times `Cast(sr)`;
 * - `lstm.onnx`: `X` [time, 1, 8], `h0` and `c0` without a shape (give
 *   `--shape h0=1,1,4 --shape c0=1,1,4`), one LSTM, no block;
 * - `if.onnx`: `x` and `flag` bool rank 0, the block, then `If(flag)`;
 * - `float16-image.onnx`, `int32-image.onnx`: `image` [1, 3, 16, 16] float16
 *   or int32, `Cast` to float, the block.
 */
export function verifyInputModels(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const free = { name: "x", dims: ["batch", C, "height", "width"] };
  out.set(
    "symbolic-dims.onnx",
    encodeModel(
      blockModel(
        [],
        [],
        [
          {
            op: "AveragePool",
            name: "pool/AveragePool",
            inputs: ["b"],
            outputs: ["y"],
            attrs: { kernel_shape: intsAttr([4, 4]), strides: intsAttr([4, 4]) },
          },
        ],
        { name: "y", dims: ["batch", C, "height_4", "width_4"] },
        free,
      ),
    ),
  );
  out.set(
    "fixed-size.onnx",
    encodeModel(
      blockModel(
        [],
        [],
        [{ op: "Reshape", name: "flat/Reshape", inputs: ["b", "flat_shape"], outputs: ["y"] }],
        { name: "y", dims: [1, C * 32 * 32] },
        free,
        [{ name: "flat_shape", dims: [2], data: BigInt64Array.from([1n, BigInt(C * 32 * 32)]) }],
      ),
    ),
  );
  out.set(
    "int64-scalar.onnx",
    encodeModel(
      blockModel(
        [{ name: "sr", dims: [], type: "int64" }],
        [],
        [cast("sr", "sr_float"), { op: "Mul", name: "scale/Mul", inputs: ["b", "sr_float"], outputs: ["y"] }],
        { name: "y", dims: [1, C, 16, 16] },
      ),
    ),
  );
  out.set("lstm.onnx", encodeModel(lstmModel()));
  out.set("if.onnx", encodeModel(ifModel()));
  for (const type of ["float16", "int32"] as const) {
    const image = { name: "image", dims: [1, C, 16, 16], type };
    out.set(
      `${type}-image.onnx`,
      encodeModel(blockModel([], [cast("image", "image_float")], [], { name: "b", dims: [1, C, 16, 16] }, image)),
    );
  }
  return out;
}

/** The TF.js graph model that {@link verifyInputFixtures} gives an int32 input: a family fixture (PP-YOLOE alpha blocks, 24x24). */
const TFJS_SOURCE = new URL("../../fixtures/families-tfjs/ppyoloe_alpha/graph/", import.meta.url);

/**
 * Every verify-inputs fixture, by path relative to the fixtures folder: the
 * ONNX models of {@link verifyInputModels}, and `tfjs-int32-image/`, the
 * PP-YOLOE alpha graph model of `fixtures/families-tfjs` taking its image
 * `input_1` [-1, 24, 24, 3] as int32 (see {@link int32InputTfjs}).
 */
export async function verifyInputFixtures(): Promise<Map<string, Uint8Array>> {
  const out = verifyInputModels();
  const json = new Uint8Array(await readFile(new URL("model.json", TFJS_SOURCE)));
  out.set("tfjs-int32-image/model.json", int32InputTfjs(json, "input_1"));
  const manifest = JSON.parse(new TextDecoder().decode(json)) as { weightsManifest: { paths: string[] }[] };
  for (const p of manifest.weightsManifest.flatMap((g) => g.paths))
    out.set(`tfjs-int32-image/${p}`, new Uint8Array(await readFile(new URL(p, TFJS_SOURCE))));
  return out;
}
