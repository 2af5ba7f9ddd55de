import { widenFloat16Array } from "@reparam/core";
import type * as OrtNode from "onnxruntime-node";
import type { ModelSession } from "./model-session.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
import { ortFeedData } from "./ort-feed-data.js";
import { unshapedOnnxInputs } from "./unshaped-onnx-inputs.js";

/** The part of the onnxruntime API (node and web share it, from onnxruntime-common) that sessions use. */
export type OrtApi = Pick<typeof OrtNode, "InferenceSession" | "Tensor">;

/**
 * Wraps an onnxruntime `InferenceSession` (either package) as a {@link ModelSession}.
 * onnxruntime reports an input declared without a shape as shape `[]`, as a
 * scalar: when one says `[]`, `bytes` (the model) tells the two apart.
 */
export async function ortSession(
  ort: OrtApi,
  session: OrtNode.InferenceSession,
  bytes: () => Promise<Uint8Array>,
): Promise<ModelSession> {
  const scalars = session.inputMetadata.some((m) => m.isTensor && m.shape.length === 0);
  const unshaped = scalars ? unshapedOnnxInputs(await bytes()) : new Set<string>();
  const inputs = session.inputMetadata.map(spec).map((s) => (unshaped.has(s.name) ? { ...s, dims: null } : s));
  const outputs = session.outputMetadata.map(spec);
  return {
    inputs,
    outputs,
    async run(feeds) {
      const map: Record<string, OrtNode.Tensor> = {};
      for (const f of feeds) {
        const type = f.dtype as "float32";
        map[f.name] = new ort.Tensor(type, ortFeedData(f.dtype, f.data) as Float32Array, [...f.shape]);
      }
      const result = await session.run(map);
      return outputs.map((o) => {
        const t = result[o.name];
        if (t === undefined) throw new Error(`onnxruntime returned no output '${o.name}'`);
        return { name: o.name, dtype: t.type, shape: [...t.dims], data: numbers(t) } satisfies NumericTensor;
      });
    },
    dispose: () => session.release(),
  };
}

function spec(m: OrtNode.InferenceSession.ValueMetadata): TensorSpec {
  if (!m.isTensor) return { name: m.name, dtype: "non-tensor", dims: null };
  return { name: m.name, dtype: m.type, dims: [...m.shape] };
}

function numbers(t: OrtNode.Tensor): ArrayLike<number> {
  const d = t.data;
  if (t.type === "float16")
    return widenFloat16Array(d instanceof Uint16Array ? d : new Uint16Array((d as ArrayBufferView).buffer));
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  if (Array.isArray(d)) throw new Error(`cannot compare ${t.type} outputs`);
  return d as ArrayLike<number>;
}
