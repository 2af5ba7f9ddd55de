import { create } from "@bufbuild/protobuf";
import { isReparamError } from "@reparam/core";
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  NodeProtoSchema,
  type ModelProto,
} from "onnx-buf";
import { describe, expect, it } from "vitest";
import { buildModel, type NodeSpec } from "../codec/build-model.js";
import { checkGraph } from "./check-graph.js";
import { topologicalOrder } from "./topological-order.js";

function model(nodes: NodeSpec[], outputs = ["y"]): ModelProto {
  return buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1] }],
    outputs: outputs.map((name) => ({ name })),
    nodes,
    initializers: [{ name: "c", dims: [1], data: new Float32Array([2]) }],
  });
}

function failure(f: () => unknown): { code: string; found: string | undefined; where: string | undefined } {
  try {
    f();
  } catch (e) {
    if (isReparamError(e)) return { code: e.code, found: e.found, where: e.where };
    throw e;
  }
  throw new Error("did not throw");
}

const chain: NodeSpec[] = [
  { op: "Add", inputs: ["x", "c"], outputs: ["a"], name: "A" },
  { op: "Relu", inputs: ["a"], outputs: ["b"], name: "B" },
  { op: "Mul", inputs: ["b", "a"], outputs: ["y"], name: "C" },
];

describe("checkGraph", () => {
  it("accepts a well-formed graph, in any node order, with omitted optional inputs", () => {
    expect(() => checkGraph(model(chain))).not.toThrow();
    expect(() => checkGraph(model([...chain].reverse()))).not.toThrow();
    expect(() => checkGraph(model([{ op: "Clip", inputs: ["x", "", "c"], outputs: ["y"] }]))).not.toThrow();
  });

  it("reports an undefined input with the node and input index", () => {
    const f = failure(() => checkGraph(model([{ op: "Add", inputs: ["x", "nope"], outputs: ["y"], name: "add1" }])));
    expect(f.code).toBe("ONNX_UNDEFINED_INPUT");
    expect(f.where).toBe("graph 'graph', node 'add1' input 1");
    expect(f.found).toBe("'nope'");
  });

  it("reports an undefined graph output", () => {
    expect(failure(() => checkGraph(model(chain, ["y", "z"]))).code).toBe("ONNX_UNDEFINED_OUTPUT");
  });

  it("reports a value defined twice, by two nodes or by a node and an initializer or input", () => {
    const twice = [...chain, { op: "Neg", inputs: ["x"], outputs: ["b"], name: "D" }];
    const f = failure(() => checkGraph(model(twice)));
    expect(f.code).toBe("ONNX_DUPLICATE_OUTPUT");
    expect(f.found).toBe("'b' from node 'B' and from node 'D'");
    expect(failure(() => checkGraph(model([{ op: "Neg", inputs: ["x"], outputs: ["c"] }], ["c"]))).code).toBe(
      "ONNX_DUPLICATE_OUTPUT",
    );
    expect(failure(() => checkGraph(model([{ op: "Neg", inputs: ["c"], outputs: ["x"] }], ["x"]))).code).toBe(
      "ONNX_DUPLICATE_OUTPUT",
    );
  });

  it("reports a cycle by its nodes' names, in data-flow order", () => {
    const cyclic: NodeSpec[] = [
      { op: "Add", inputs: ["x", "q"], outputs: ["p"], name: "P" },
      { op: "Relu", inputs: ["p"], outputs: ["r"], name: "R" },
      { op: "Neg", inputs: ["r"], outputs: ["q"], name: "Q" },
      { op: "Neg", inputs: ["p"], outputs: ["y"], name: "Y" },
    ];
    const f = failure(() => checkGraph(model(cyclic)));
    expect(f.code).toBe("ONNX_CYCLE");
    expect(f.found).toBe("node 'P' -> node 'R' -> node 'Q' -> node 'P'");
    const self = failure(() => checkGraph(model([{ op: "Add", inputs: ["x", "y"], outputs: ["y"] }])));
    expect(self).toMatchObject({ code: "ONNX_CYCLE", found: "node 'Add_0' -> node 'Add_0'" });
  });

  it("checks subgraphs, which may read values of the enclosing graph", () => {
    const m = withIf("a");
    expect(() => checkGraph(m)).not.toThrow();
    const bad = withIf("undefined_outer");
    const f = failure(() => checkGraph(bad));
    expect(f.code).toBe("ONNX_UNDEFINED_INPUT");
    expect(f.where).toContain("node 'If' attribute 'then_branch' graph 'then'");
  });
});

/** x, c -> A: a = x + c; If(cond=x) whose branches read `outer`; the If is listed before A. */
function withIf(outer: string): ModelProto {
  const branch = (name: string) =>
    create(GraphProtoSchema, {
      name,
      node: [create(NodeProtoSchema, { name: `${name}_neg`, opType: "Neg", input: [outer], output: [`${name}_out`] })],
      output: [{ $typeName: "onnx.ValueInfoProto", name: `${name}_out`, docString: "", metadataProps: [] }],
    });
  const m = model([
    { op: "Identity", inputs: ["x"], outputs: ["y"], name: "If" },
    { op: "Add", inputs: ["x", "c"], outputs: ["a"], name: "A" },
  ]);
  const ifNode = m.graph!.node[0]!;
  ifNode.opType = "If";
  ifNode.attribute = [
    create(AttributeProtoSchema, { name: "then_branch", type: AttributeProto_AttributeType.GRAPH, g: branch("then") }),
    create(AttributeProtoSchema, { name: "else_branch", type: AttributeProto_AttributeType.GRAPH, g: branch("else") }),
  ];
  return m;
}

describe("topologicalOrder", () => {
  const names = (m: ModelProto) => topologicalOrder(m.graph!).map((n) => n.name);

  it("keeps a sorted graph as it is", () => {
    expect(names(model(chain))).toEqual(["A", "B", "C"]);
  });

  it("sorts a shuffled graph, moving nodes only as far as needed", () => {
    expect(names(model([chain[2]!, chain[0]!, chain[1]!]))).toEqual(["A", "B", "C"]);
    const independent: NodeSpec[] = [
      { op: "Neg", inputs: ["b"], outputs: ["y"], name: "late" },
      { op: "Neg", inputs: ["x"], outputs: ["z"], name: "free" },
      { op: "Neg", inputs: ["x"], outputs: ["b"], name: "early" },
    ];
    expect(names(model(independent))).toEqual(["early", "late", "free"]);
  });

  it("orders a node after the producers of outer values its subgraphs read", () => {
    expect(names(withIf("a"))).toEqual(["A", "If"]);
  });

  it("throws ONNX_CYCLE and ONNX_DUPLICATE_OUTPUT", () => {
    expect(
      failure(() => topologicalOrder(model([{ op: "Add", inputs: ["x", "y"], outputs: ["y"] }]).graph!)).code,
    ).toBe("ONNX_CYCLE");
    const dup = model([...chain, { op: "Neg", inputs: ["x"], outputs: ["a"] }]);
    expect(failure(() => topologicalOrder(dup.graph!)).code).toBe("ONNX_DUPLICATE_OUTPUT");
  });

  it("handles a long chain without recursion", () => {
    const nodes: NodeSpec[] = [];
    for (let i = 0; i < 50_000; i++)
      nodes.push({
        op: "Neg",
        inputs: [i === 0 ? "x" : `v${i - 1}`],
        outputs: [i === 49_999 ? "y" : `v${i}`],
        name: `n${i}`,
      });
    const order = names(model(nodes.reverse()));
    expect(order[0]).toBe("n0");
    expect(order[49_999]).toBe("n49999");
  });
});
