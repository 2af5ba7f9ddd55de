/**
 * The browser's WebGPU adapter, or null when it has none (or no WebGPU):
 * headless Chromium without a GPU has `navigator.gpu` but no adapter.
 */
export async function gpuAdapter(): Promise<unknown> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return gpu === undefined ? null : await gpu.requestAdapter().catch(() => null);
}
