import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { BackendName } from "./backend-name.js";
import { importRuntime } from "./import-runtime.js";
import { NO_VULKAN_LOADER, vulkanLoaderFound } from "./vulkan-loader.js";

/** The `@tensorflow/tfjs` module. */
export type Tfjs = typeof import("@tensorflow/tfjs");

let wasmPathsSet = false;

/**
 * Loads TF.js and makes `name` its active backend (TF.js has one global
 * engine). `webgpu` goes through Dawn for Node (the `webgpu` package): its
 * WebGPU globals are installed on `globalThis` and `navigator.gpu` set, but
 * only once an adapter is found, so a machine without a GPU fails here with
 * "no GPU adapter" before TF.js is touched. `wasm` loads the `.wasm` files
 * from tfjs-backend-wasm's own `dist` folder, single-threaded. Each package is
 * loaded on first use: `VALIDATE_RUNTIME_MISSING` names one not installed.
 */
export async function useTfjsBackend(name: BackendName): Promise<Tfjs> {
  const tf = await importRuntime("@tensorflow/tfjs", () => import("@tensorflow/tfjs"));
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
    // Checked before Dawn loads: without the loader it prints a native warning to stderr.
    if (!vulkanLoaderFound()) throw new Error(NO_VULKAN_LOADER);
    const { create, globals } = await importRuntime("webgpu", () => import("webgpu"));
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
  await importRuntime("@tensorflow/tfjs-backend-webgpu", () => import("@tensorflow/tfjs-backend-webgpu"));
}

async function prepareWasm(tf: Tfjs): Promise<void> {
  if (wasmPathsSet) return;
  // Where the .wasm files are, found before the backend registers itself, so
  // that a missing package fails here, cleanly, every time.
  const pkg = "@tensorflow/tfjs-backend-wasm";
  const dist = await importRuntime(pkg, async () => dirname(createRequire(import.meta.url).resolve(pkg)));
  const wasm = await importRuntime(pkg, () => import("@tensorflow/tfjs-backend-wasm"));
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setWasmPaths(`${dist}/`);
  wasmPathsSet = true;
}
