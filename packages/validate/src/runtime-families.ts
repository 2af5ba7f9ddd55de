import type { BackendName } from "./backend-name.js";
import type { Runtime } from "./model-session.js";
import { ortNodeRuntime } from "./ort-node-runtime.js";
import { ortWebRuntime } from "./ort-web-runtime.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";
import { tfjsRuntime } from "./tfjs-runtime.js";

/** The runtimes that run one kind of model, one per backend. */
export interface RuntimeFamily {
  /** Its models are a folder of files (`model.json` and weight shards) rather than one file of bytes. */
  readonly folder: boolean;
  /** Its backends, fastest first; a `cpu` or `wasm` choice starts at its place here. */
  readonly order: readonly BackendName[];
  /** The runtime that runs its models on `backend`. */
  runtime(backend: BackendName): Runtime;
}

/**
 * The runtime families validate runs, named after the model format each runs
 * (the name a validation report's `format` carries). This map is the
 * one place that ties a format to its runtimes; everything else looks it up.
 *
 * ONNX: onnxruntime-node WebGPU EP > onnxruntime-node CPU > onnxruntime-web (wasm).
 * TF.js: tfjs-backend-webgpu (Dawn) > tfjs-backend-wasm > tfjs cpu.
 */
export const runtimeFamilies = {
  onnx: {
    folder: false,
    order: ["webgpu", "cpu", "wasm"],
    runtime: (backend) => (backend === "wasm" ? ortWebRuntime() : ortNodeRuntime(backend)),
  },
  tfjs: { folder: true, order: ["webgpu", "wasm", "cpu"], runtime: tfjsRuntime },
} as const satisfies Record<RuntimeFamilyName, RuntimeFamily>;

/** The family whose models are (`folder` true) or are not a folder of files. */
export function familyByShape(folder: boolean): RuntimeFamilyName {
  const names = Object.keys(runtimeFamilies) as RuntimeFamilyName[];
  const found = names.find((n) => runtimeFamilies[n].folder === folder);
  if (found === undefined) throw new Error(`no runtime family runs ${folder ? "folder" : "single-file"} models`);
  return found;
}
