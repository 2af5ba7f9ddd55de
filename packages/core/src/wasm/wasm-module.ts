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
