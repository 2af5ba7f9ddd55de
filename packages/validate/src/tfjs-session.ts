import type * as TF from "@tensorflow/tfjs";
import type { ModelSession } from "./model-session.js";
import type { TensorSpec } from "./numeric-tensor.js";

interface Info {
  readonly name: string;
  readonly shape?: readonly (number | null)[] | undefined;
  readonly dtype: string;
}

function specs(infos: readonly Info[], names?: readonly string[]): TensorSpec[] {
  return infos.map((t, i) => ({
    name: names?.[i] ?? t.name,
    dtype: t.dtype,
    dims: t.shape === undefined ? null : t.shape.map((d) => (d === null || d < 0 ? null : d)),
  }));
}

/** TF.js tensors are float32, int32 or bool: every integer input is fed as int32, every float one as float32. */
function tfjsDtype(dtype: string): "float32" | "int32" | "bool" {
  if (dtype === "bool") return "bool";
  return dtype.startsWith("int") || dtype.startsWith("uint") ? "int32" : "float32";
}

function tfjsData(dtype: string, data: ArrayLike<number>): Float32Array | Int32Array | Uint8Array {
  const t = tfjsDtype(dtype);
  if (t === "bool") return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
  return t === "int32" ? Int32Array.from(data, (v) => Math.round(v)) : Float32Array.from(data);
}

/**
 * A {@link ModelSession} over a loaded TF.js model (layers or graph) on the
 * active backend of `tf`: feeds in their dtype (see `tfjsDtype`), every output read back. Browser-
 * safe: the caller supplies its own `tf` (validate's Node runtime, or a page).
 */
export function tfjsSession(
  tf: typeof import("@tensorflow/tfjs"),
  model: TF.LayersModel | TF.GraphModel,
): ModelSession {
  const isGraph = model instanceof tf.GraphModel;
  // Layers models go by layer names: symbolic tensor names get a _1 suffix per model loaded.
  const layers = isGraph ? undefined : (model as TF.LayersModel);
  const inputs = specs(model.inputs as readonly Info[], layers?.inputNames);
  const outputs = specs(model.outputs as readonly Info[], layers?.outputNames);
  return {
    inputs,
    outputs,
    async run(feeds) {
      const xs = feeds.map((f) => tf.tensor(tfjsData(f.dtype, f.data), [...f.shape], tfjsDtype(f.dtype)));
      try {
        const y = isGraph
          ? await (model as TF.GraphModel).executeAsync(xs)
          : (model as TF.LayersModel).predict(xs.length === 1 ? xs[0]! : xs);
        const ys = Array.isArray(y) ? y : [y as TF.Tensor];
        try {
          return await Promise.all(
            ys.map(async (t, i) => ({
              name: outputs[i]?.name ?? `output_${i}`,
              dtype: t.dtype,
              shape: [...t.shape],
              data: (await t.data()) as Float32Array,
            })),
          );
        } finally {
          for (const t of ys) t.dispose();
        }
      } finally {
        for (const x of xs) x.dispose();
      }
    },
    dispose: async () => {
      model.dispose();
    },
  };
}
