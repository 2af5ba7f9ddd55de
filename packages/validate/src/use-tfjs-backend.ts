import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { BackendName } from "./backend-name.js";

/** The `@tensorflow/tfjs` module. */
export type Tfjs = typeof import("@tensorflow/tfjs");

let wasmPathsSet = false;

/**
 * Loads TF.js and makes `name` its active backend (TF.js has one global
 * engine). `webgpu` goes through Dawn for Node (the `webgpu` package): its
 * WebGPU globals are installed on `globalThis` and `navigator.gpu` set, but
 * only once an adapter is found, so a machine without a GPU fails here with
 * "no GPU adapter" before TF.js is touched. `wasm` loads the `.wasm` files
 * from tfjs-backend-wasm's own `dist` folder, single-threaded.
 */
export async function useTfjsBackend(name: BackendName): Promise<Tfjs> {
  const tf = await import("@tensorflow/tfjs");
  if (tf.findBackend(name) === undefined || tf.getBackend() !== name) {
    if (name === "webgpu") await installWebgpu();
    if (name === "wasm") await prepareWasm(tf);
    if (!(await tf.setBackend(name))) throw new Error(`TF.js could not initialise its ${name} backend`);
  }
  await tf.ready();
  return tf;
}

async function installWebgpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === undefined) {
    const { create, globals } = await import("webgpu");
    const gpu = create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null)
      throw new Error(
        "no GPU adapter: Dawn (webgpu for Node) found none (on Linux it needs libvulkan.so.1 and a Vulkan driver)",
      );
    Object.assign(globalThis, globals);
    if (g.navigator === undefined)
      Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
    Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  }
  // Registers the backend on import, only when navigator.gpu exists.
  await import("@tensorflow/tfjs-backend-webgpu");
}

async function prepareWasm(tf: Tfjs): Promise<void> {
  if (wasmPathsSet) return;
  // Where the .wasm files are, found before the backend registers itself, so
  // that a missing package fails here, cleanly, every time.
  const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setWasmPaths(`${dist}/`);
  wasmPathsSet = true;
}
