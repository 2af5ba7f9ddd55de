import * as ort from "onnxruntime-node";

/** Runs an ONNX model (bytes) on CPU with onnxruntime-node; returns its `output` and that output's dims. */
export async function runOnnx(
  bytes: Uint8Array,
  input: Float32Array,
  dims: readonly number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "disabled",
  });
  try {
    const out = await session.run({ input: new ort.Tensor("float32", input, [...dims]) });
    const y = out.output!;
    return { data: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}
