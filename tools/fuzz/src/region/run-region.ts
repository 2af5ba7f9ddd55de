import { decodeModel } from "@reparam/onnx";
import * as ort from "onnxruntime-node";
import type { Dense } from "./evaluate-region.js";

const OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
};

/** Runs a float32 ONNX model with input `x` on onnxruntime-node's CPU provider; its output `y`, widened. */
export async function runRegion(model: Uint8Array, x: Dense): Promise<Dense> {
  const session = await ort.InferenceSession.create(model, OPTIONS);
  try {
    const result = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x.data), [...x.shape]) });
    const y = result[session.outputNames[0]!]!;
    return { data: Float64Array.from(y.data as Float32Array), shape: y.dims as readonly number[] };
  } finally {
    await session.release();
  }
}

/** The op types of a model's nodes, Constant nodes aside, with how many of each. */
export function opCounts(model: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of decodeModel(model).graph?.node ?? [])
    if (n.opType !== "Constant") counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return counts;
}
