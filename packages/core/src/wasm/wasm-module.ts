/** The few WebAssembly calls used here (core compiles without DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Compiles and instantiates an embedded module (its bytes in hex)
 * synchronously, which a browser's main thread allows for modules this
 * small. Null where WebAssembly or the instructions the module uses (SIMD)
 * are missing: the caller's JavaScript loops then do the work.
 */
export function instantiateWasm(hex: string): Record<string, unknown> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  const bytes = hexBytes(hex);
  if (!wasm.validate(bytes)) return null;
  return new wasm.Instance(new wasm.Module(bytes)).exports;
}

let enabled = true;

/**
 * Turns core's WebAssembly kernels off (or back on) in this thread: the
 * JavaScript loops then do all the work. For tests that compare the two and
 * for benchmarks; results are the same bits either way.
 */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}

/** Whether {@link setWasmKernels} left the kernels on in this thread (every kernel module of core follows it). */
export function wasmKernelsEnabled(): boolean {
  return enabled;
}
