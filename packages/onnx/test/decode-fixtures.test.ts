/// <reference types="node" />
import { readdirSync } from "node:fs";
import { isReparamError } from "@reparam/core";
import { checkGraph, decodeModel, encodeModel, tensorValues } from "../src/index.js";
import { topologicalOrder } from "../src/view/topological-order.js";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { editField, encodeVarint, lenField } from "./_wire.js";

const onnxFiles = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".onnx"))
  .sort();

describe("conformance fixtures", () => {
  it("holds three ONNX files per case", () => {
    expect(onnxFiles).toHaveLength(conformanceCases().length * 3);
  });

  it.each(onnxFiles)(
    "%s: round-trips byte-identically through decode -> encode, with a sane graph and readable weights",
    (file) => {
      const bytes = fixtureBytes(file);
      const model = decodeModel(bytes);
      expect(encodeModel(model)).toEqual(bytes);
      checkGraph(model);
      expect(topologicalOrder(model.graph!)).toEqual(model.graph!.node);
      for (const t of model.graph!.initializer) expect(tensorValues(t).values.length).toBeGreaterThanOrEqual(0);
    },
  );

  it("keeps unknown fields appended to a node's bytes, byte for byte", () => {
    const bytes = fixtureBytes(conformanceCases()[0]!.onnx.train);
    // field 1000 (varint 7) and field 1001 (bytes "hi") at the end of the graph's first node
    const extra = new Uint8Array([...encodeVarint(1000 * 8), 7, ...lenField(1001, new Uint8Array([0x68, 0x69]))]);
    const crafted = editField(bytes, 7, (graph) => editField(graph, 1, (node) => new Uint8Array([...node, ...extra])));
    expect(crafted.byteLength).toBe(bytes.byteLength + extra.byteLength);
    const model = decodeModel(crafted);
    expect(model.graph!.node[0]!.$unknown?.map((u) => u.no)).toEqual([1000, 1001]);
    expect(encodeModel(model)).toEqual(crafted);
  });

  it("refuses a truncated fixture with ONNX_DECODE, naming the field", () => {
    const bytes = fixtureBytes(conformanceCases()[0]!.onnx.deploy);
    try {
      decodeModel(bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
      expect.unreachable();
    } catch (e) {
      expect(isReparamError(e) && e.code).toBe("ONNX_DECODE");
      expect(isReparamError(e) && e.where).toMatch(/^ModelProto\.graph/);
    }
  });
});
