/// <reference types="node" />
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  buildModel,
  checkGraph,
  decodeModel,
  encodeModel,
  floatAttr,
  intAttr,
  intsAttr,
  stringAttr,
  tensorValues,
} from "../src/index.js";

/** Deterministic values in [-1, 1), rounded to float32. */
function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Naive grouped conv2d, NCHW / OIHW, stride 1, symmetric padding, float64. */
function conv2d(
  x: Float32Array,
  [, h, w]: [number, number, number],
  k: Float32Array,
  [o, cg, kh, kw]: [number, number, number, number],
  bias: Float32Array,
  pad: number,
  groups: number,
): Float64Array {
  const out = new Float64Array(o * h * w);
  const og = o / groups;
  for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / og);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let acc = bias[oc]!;
        for (let ic = 0; ic < cg; ic++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const iy = y + i - pad;
              const ix = xx + j - pad;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              acc += x[((g * cg + ic) * h + iy) * w + ix]! * k[((oc * cg + ic) * kh + i) * kw + j]!;
            }
          }
        }
        out[(oc * h + y) * w + xx] = acc;
      }
    }
  }
  return out;
}

describe("buildModel", () => {
  const [C, H, W, G] = [4, 6, 6, 2];
  const weight = random(C * (C / G) * 9, 1);
  const bias = random(C, 2);
  const gamma = random(C, 3).map((v) => 1 + v / 2);
  const beta = random(C, 4);
  const mean = random(C, 5).map((v) => v / 10);
  const variance = random(C, 6).map((v) => 1 + v / 2);
  const eps = 1e-3;
  const model = buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: ["n", C, H, W] }],
    outputs: [{ name: "y", dims: ["n", C, H, W] }],
    nodes: [
      {
        op: "Conv",
        inputs: ["x", "w", "b"],
        outputs: ["conv"],
        attrs: {
          pads: intsAttr([1, 1, 1, 1]),
          group: intAttr(G),
          kernel_shape: intsAttr([3, 3]),
          auto_pad: stringAttr("NOTSET"),
        },
      },
      {
        op: "BatchNormalization",
        inputs: ["conv", "gamma", "beta", "mean", "var"],
        outputs: ["bn"],
        attrs: { epsilon: floatAttr(eps) },
      },
      { op: "Add", inputs: ["bn", "x"], outputs: ["y"] },
    ],
    initializers: [
      { name: "w", dims: [C, C / G, 3, 3], data: weight },
      { name: "b", dims: [C], data: bias },
      { name: "gamma", dims: [C], data: gamma },
      { name: "beta", dims: [C], data: beta },
      { name: "mean", dims: [C], data: mean },
      { name: "var", dims: [C], data: variance },
    ],
  });

  it("builds a sane graph whose initializers read back exactly", () => {
    checkGraph(model);
    const decoded = decodeModel(encodeModel(model));
    expect(decoded.irVersion).toBe(7n);
    expect(tensorValues(decoded.graph!.initializer[0]!).values).toEqual(new Float64Array(weight));
    const conv = decoded.graph!.node[0]!;
    expect(conv.name).toBe("Conv_0");
    expect(conv.attribute.map((a) => a.name)).toEqual(["pads", "group", "kernel_shape", "auto_pad"]);
  });

  it("runs in onnxruntime-node like a naive Conv + BatchNormalization + Add", async () => {
    const x = random(C * H * W, 7);
    const session = await ort.InferenceSession.create(encodeModel(model));
    const { y } = await session.run({ x: new ort.Tensor("float32", x, [1, C, H, W]) });
    const got = y!.data as Float32Array;
    const conv = conv2d(x, [C, H, W], weight, [C, C / G, 3, 3], bias, 1, G);
    const eps32 = Math.fround(eps); // the attribute is stored as float32
    const want = conv.map((v, i) => {
      const c = Math.floor(i / (H * W));
      return ((v - mean[c]!) / Math.sqrt(variance[c]! + eps32)) * gamma[c]! + beta[c]! + x[i]!;
    });
    const scale = Math.max(...want.map(Math.abs));
    const diff = Math.max(...want.map((v, i) => Math.abs(v - got[i]!)));
    expect(diff).toBeLessThanOrEqual(1e-5 * scale);
  });

  it("writes float16 initializers from bit patterns and float64 ones from numbers", () => {
    const m = buildModel({
      opset: 17,
      inputs: [],
      outputs: [{ name: "h" }],
      nodes: [],
      initializers: [
        { name: "h", dims: [2], data: new Uint16Array([0x3c00, 0xc000]), type: "float16" },
        { name: "d", dims: [1], data: new Float32Array([0.5]), type: "float64" },
        { name: "r", dims: [1], data: new Float64Array([0.1]), type: "float32" },
      ],
    });
    const [h, d, r] = decodeModel(encodeModel(m)).graph!.initializer;
    expect(m.irVersion).toBe(8n);
    expect(tensorValues(h!)).toEqual({ dtype: "float16", values: new Float64Array([1, -2]) });
    expect(tensorValues(d!)).toEqual({ dtype: "float64", values: new Float64Array([0.5]) });
    expect(tensorValues(r!)).toEqual({ dtype: "float32", values: new Float64Array([Math.fround(0.1)]) });
    const bits = { name: "u", dims: [1], data: new Uint16Array(1) };
    expect(() => buildModel({ opset: 13, inputs: [], outputs: [], nodes: [], initializers: [bits] })).toThrow(
      expect.objectContaining({ code: "ONNX_BAD_SPEC" }),
    );
    const short = { name: "s", dims: [3], data: new Float32Array(2) };
    expect(() => buildModel({ opset: 13, inputs: [], outputs: [], nodes: [], initializers: [short] })).toThrow(
      expect.objectContaining({ code: "ONNX_TENSOR_SIZE" }),
    );
  });
});
