import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { narrowFloat16Array, widenFloat16Array } from "@reparam/core";
import * as ort from "onnxruntime-node";
import type { ModelFiles, Nchw } from "../spelling.js";

const OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
};

async function session(model: ModelFiles): Promise<{ session: ort.InferenceSession; done: () => Promise<void> }> {
  const main = model.files.get(model.main);
  if (main === undefined) throw new Error(`runOnnx: no file '${model.main}'`);
  if (model.files.size === 1)
    return { session: await ort.InferenceSession.create(main, OPTIONS), done: async () => {} };
  // onnxruntime-node reads external data from files beside the model, not from memory.
  const dir = await mkdtemp(join(tmpdir(), "reparam-fuzz-"));
  const done = () => rm(dir, { recursive: true, force: true });
  try {
    for (const [path, bytes] of model.files) await writeFile(join(dir, path), bytes);
    return { session: await ort.InferenceSession.create(join(dir, model.main), OPTIONS), done };
  } catch (e) {
    await done();
    throw e;
  }
}

/**
 * Runs an ONNX model (with its external data files, if any) on
 * onnxruntime-node's CPU provider: x is fed to input `x` as the model
 * declares it (float32, or float16 rounded from x, which the fuzz inputs are
 * exact in), and the first output comes back widened to float64 when float16.
 */
export async function runOnnx(model: ModelFiles, x: Nchw): Promise<Nchw> {
  const { session: s, done } = await session(model);
  try {
    const meta = s.inputMetadata.find((m) => m.name === "x");
    const half = meta?.isTensor === true && meta.type === "float16";
    const feed = half
      ? new ort.Tensor("float16", narrowFloat16Array(x.data), [...x.shape])
      : new ort.Tensor("float32", Float32Array.from(x.data), [...x.shape]);
    const result = await s.run({ x: feed });
    const out = result[s.outputNames[0]!]!;
    const dims = out.dims as readonly number[];
    if (dims.length !== 4) throw new Error(`runOnnx: output of rank ${dims.length}`);
    const data =
      out.type === "float16" ? widenFloat16Array(out.data as Uint16Array) : Float64Array.from(out.data as Float32Array);
    return { data, shape: [dims[0]!, dims[1]!, dims[2]!, dims[3]!] };
  } finally {
    await s.release();
    await done();
  }
}
