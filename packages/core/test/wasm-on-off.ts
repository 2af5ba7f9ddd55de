import { setWasmKernels } from "../src/index.js";

/** `f` run with core's WebAssembly kernels (as by default), then with JavaScript loops only: the two results to compare. */
export function onAndOff<T>(f: () => T): { fast: T; js: T } {
  const fast = f();
  setWasmKernels(false);
  try {
    return { fast, js: f() };
  } finally {
    setWasmKernels(true);
  }
}
