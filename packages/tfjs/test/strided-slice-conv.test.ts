/// <reference types="node" />
// TF has no conv strided and dilated at once; a graph holds a stride-1 conv and a StridedSlice that keeps every s-th
// row and column (RepNeXt's CopyConv). The graph view reads the pair as one strided conv with explicit pads: checked
// here against TF.js running the pair and a naive strided dilated conv with the view's geometry, over sizes, offsets,
// steps and paddings; then end to end in a sum, and the refusal when the fused conv itself is strided and dilated.
import { describe, expect, it } from "vitest";
import type { GraphNodeView, NeutralOp } from "@reparam/core";
import { decodeTfjsModel } from "../src/codec/decode-tfjs-model.js";
import { graphModelView } from "../src/view/_graph-view.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder, intsAttr, type ConvPadding } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";
import { modelInput } from "./model-io.js";
import { runTfjsModel, type TfjsModelSource } from "./run-model.js";

const TOLERANCE = 1e-5;
const C = 2;

interface Geometry {
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly d: number;
  readonly padding: ConvPadding;
  readonly begin: readonly [number, number];
  readonly step: number;
  /** The slice's end: masked, a number past the axis, or one that cuts it. */
  readonly end?: "masked" | "past" | "cut";
}

/** input [h, w, C] -> Conv2D (k x k, dilation d, stride 1, bias) -> StridedSlice -> Relu. */
function slicedConv(g: Geometry): TfjsModelSource {
  const b = new GraphBuilder(3);
  const x = b.placeholder("input", [g.h, g.w, C]);
  const conv = b.conv("conv", x, [g.k, g.k, C, 3], { op: "_FusedConv2D", fusedOps: ["BiasAdd"], padding: g.padding });
  const node = b.nodes.at(-1)!;
  b.nodes[b.nodes.length - 1] = { ...node, attr: { ...node.attr, dilations: intsAttr([1, g.d, g.d, 1]) } };
  const i32 = (name: string, v: number[]) => b.constant(name, [4], Int32Array.from(v));
  const end = g.end === "past" ? [0, 100, 100, 0] : g.end === "cut" ? [0, 2, 2, 0] : [0, 0, 0, 0];
  const slice = b.op(
    "slice",
    "StridedSlice",
    [conv, i32("slice/begin", [0, ...g.begin, 0]), i32("slice/end", end), i32("slice/strides", [1, g.step, g.step, 1])],
    {
      Index: { type: "DT_INT32" },
      begin_mask: { i: "9" },
      end_mask: { i: g.end === "masked" || g.end === undefined ? "15" : "9" },
      ellipsis_mask: { i: "0" },
      new_axis_mask: { i: "0" },
      shrink_axis_mask: { i: "0" },
    },
  );
  return b.build(x, b.op("relu", "Relu", [slice]));
}

/** Naive NHWC conv, zero padded, with the view's stride, pads [t, l, b, r], dilation; then ReLU. */
async function naive(op: Extract<NeutralOp, { kind: "conv" }>, x: Float32Array, h: number, w: number) {
  const kernel = await op.kernel.values(); // OIHW
  const bias = await op.bias!.values();
  const [o, i, kh, kw] = op.kernel.shape as [number, number, number, number];
  if (op.padding.kind !== "explicit") throw new Error("explicit pads expected");
  const [t, l, bt, r] = op.padding.pads;
  const oh = Math.floor((h + t + bt - op.dilation[0] * (kh - 1) - 1) / op.stride[0]) + 1;
  const ow = Math.floor((w + l + r - op.dilation[1] * (kw - 1) - 1) / op.stride[1]) + 1;
  const out = new Float64Array(oh * ow * o);
  for (let y = 0; y < oh; y++)
    for (let z = 0; z < ow; z++)
      for (let c = 0; c < o; c++) {
        let s = bias[c]!;
        for (let a = 0; a < kh; a++)
          for (let e = 0; e < kw; e++) {
            const yy = y * op.stride[0] - t + a * op.dilation[0];
            const zz = z * op.stride[1] - l + e * op.dilation[1];
            if (yy < 0 || yy >= h || zz < 0 || zz >= w) continue;
            for (let q = 0; q < i; q++) s += kernel[((c * i + q) * kh + a) * kw + e]! * x[(yy * w + zz) * i + q]!;
          }
        out[(y * ow + z) * o + c] = Math.max(0, s);
      }
  return { out, shape: [oh, ow] };
}

async function viewConv(source: TfjsModelSource): Promise<GraphNodeView | undefined> {
  const model = await decodeTfjsModel(modelInput(source));
  const g = graphModelView(model);
  return g.view.nodes.find((n) => n.id === "conv");
}

describe("graphModelView on a conv and a StridedSlice", () => {
  it("reads the pair as one strided conv that computes what TF.js computes, over sizes, offsets, steps and pads", async () => {
    let merged = 0;
    for (const [h, w] of [
      [7, 8],
      [9, 6],
    ] as const)
      for (const k of [2, 3])
        for (const d of [1, 2])
          for (const padding of ["SAME", "VALID", [2, 1, 1, 0]] as const)
            for (const begin of [
              [0, 0],
              [1, 0],
            ] as const)
              for (const step of [2, 3]) {
                const geometry = { h, w, k, d, padding, begin, step };
                const source = slicedConv(geometry);
                const conv = await viewConv(source);
                const top = padding === "SAME" ? Math.floor((d * (k - 1)) / 2) : padding === "VALID" ? 0 : padding[0];
                const label = JSON.stringify(geometry);
                if (begin[0] > top) {
                  // Row b of the stride-1 output reads rows above the top pad: no pad of a strided conv gives that.
                  expect(conv?.op.kind, label).toBe("conv");
                  expect(conv?.outputs, label).toEqual(["conv"]);
                  continue;
                }
                expect(conv?.outputs, label).toEqual(["slice"]);
                const op = conv!.op as Extract<NeutralOp, { kind: "conv" }>;
                expect(op.stride, label).toEqual([step, step]);
                const x = randomInput([1, h, w, C], 5);
                const want = await runTfjsModel(source, x, [1, h, w, C], "cpu");
                const got = await naive(op, x, h, w);
                expect(got.out.length, label).toBe(want.length);
                const scale = Math.max(1e-30, ...Array.from(want, Math.abs));
                const diff = Math.max(0, ...Array.from(want, (v, i) => Math.abs(v - got.out[i]!)));
                expect(diff / scale, label).toBeLessThanOrEqual(TOLERANCE);
                merged++;
              }
    // 96 geometries; 20 start below the top pad (VALID, and SAME 2x2 at dilation 1: no top pad; begin 1).
    expect(merged).toBe(76);
  });

  it("reads an end past the axis as covering it and leaves a slice that cuts the axis", async () => {
    const g: Geometry = { h: 8, w: 8, k: 2, d: 2, padding: "SAME", begin: [0, 0], step: 2 };
    expect((await viewConv(slicedConv({ ...g, end: "past" })))?.outputs).toEqual(["slice"]);
    const cut = await viewConv(slicedConv({ ...g, end: "cut" }));
    expect(cut?.outputs).toEqual(["conv"]);
    expect(cut?.op.kind === "conv" && cut.op.stride).toEqual([1, 1]);
  });
});

/**
 * TF's spelling of a conv strided and dilated at once: the conv just added (`conv`, the builder's last node) is
 * dilated by 2 at stride 1, then a StridedSlice keeps every second row and column. Returns the slice.
 */
function dilatedThenSliced(b: GraphBuilder, conv: string): string {
  const node = b.nodes.at(-1)!;
  b.nodes[b.nodes.length - 1] = { ...node, attr: { ...node.attr, dilations: intsAttr([1, 2, 2, 1]) } };
  const i32 = (name: string, v: number[]) => b.constant(name, [4], Int32Array.from(v));
  return b.op(
    `${conv}/slice`,
    "StridedSlice",
    [conv, i32(`${conv}/begin`, [0, 0, 0, 0]), i32(`${conv}/end`, [0, 0, 0, 0]), i32(`${conv}/strides`, [1, 2, 2, 1])],
    { Index: { type: "DT_INT32" }, begin_mask: { i: "15" }, end_mask: { i: "15" } },
  );
}

describe("tfjsAdapter on a strided dilated branch spelled conv + StridedSlice", () => {
  const input = (h: number) => ({ x: randomInput([1, h, h, 4], 9), shape: [1, h, h, 4] });

  it("fuses it into its sum: one stride-2 conv, no StridedSlice left", async () => {
    for (const h of [8, 9]) {
      const b = new GraphBuilder(21);
      const x = b.placeholder("input", [h, h, 4]);
      const k3 = b.conv("k3", x, [3, 3, 4, 1], { op: "FusedDepthwiseConv2dNative", fusedOps: ["BiasAdd"], stride: 2 });
      const k2 = b.conv("k2", x, [2, 2, 4, 1], { op: "FusedDepthwiseConv2dNative", fusedOps: ["BiasAdd"] });
      const slice = dilatedThenSliced(b, k2);
      const sum = b.op("add", "AddV2", [k3, slice]);
      const { x: data, shape } = input(h);
      const res = await convertAndRun(b.build(x, b.op("relu", "Relu", [sum])), data, shape);
      expect(res.report.refused).toEqual([]);
      expect(res.report.fused).toHaveLength(1);
      // SAME at stride 2 pads 3x3 by (0, 1) on 8 (the slice's conv by 1 on top: windows one row apart, 4x4), (1, 1) on 9.
      expect(res.report.fused[0]!.kernel).toBe(h === 8 ? "4x4" : "3x3");
      expect(countConvs(res.json)).toBe(1);
      expect(opsOf(res.json)).not.toContain("StridedSlice");
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it("refuses a block whose fused conv would be strided and dilated at once (FORMAT_UNSUPPORTED), keeping it", async () => {
    const b = new GraphBuilder(22);
    const x = b.placeholder("input", [8, 8, 4]);
    const k2 = b.conv("k2", x, [2, 2, 4, 1], { op: "DepthwiseConv2dNative" });
    const slice = dilatedThenSliced(b, k2);
    const bn = b.batchNorm("bn", slice, 4);
    const { x: data, shape } = input(8);
    const res = await convertAndRun(b.build(x, b.op("relu", "Relu", [bn])), data, shape);
    expect(res.report.refused.map((r) => r.reason)).toEqual(["FORMAT_UNSUPPORTED"]);
    expect(opsOf(res.json)).toContain("StridedSlice");
    expect(opsOf(res.json)).toContain("FusedBatchNormV3");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
