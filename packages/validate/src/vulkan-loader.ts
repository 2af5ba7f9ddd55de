import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

let found: boolean | undefined;

/**
 * Whether WebGPU can reach a GPU here as far as the Vulkan loader goes. On
 * Linux, Dawn (inside onnxruntime-node's WebGPU EP, and the `webgpu`
 * package) reaches the GPU through `libvulkan.so.1`; without it, Dawn prints
 * a native "Couldn't load Vulkan" warning straight to the process's stderr
 * (no JavaScript can catch it) and finds no adapter. So the WebGPU backends
 * look here first and, when the loader is not there, are skipped with that
 * reason without touching Dawn. The search is the dynamic loader's own:
 * `LD_LIBRARY_PATH`, the `ld.so.cache`, then the default folders. Other
 * platforms (D3D12, Metal) always say true. Found once per process.
 */
export function vulkanLoaderFound(): boolean {
  if (found === undefined) found = findVulkanLoader();
  return found;
}

const LIB = "libvulkan.so.1";

/** {@link vulkanLoaderFound}'s search, uncached, for a given environment and platform. */
export function findVulkanLoader(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
): boolean {
  if (platform !== "linux") return true;
  const fromEnv = (env.LD_LIBRARY_PATH ?? "").split(":").filter((d) => d !== "");
  if (fromEnv.some((d) => existsSync(join(d, LIB)))) return true;
  try {
    // The cache lists each library's name as a NUL-terminated string.
    if (readFileSync("/etc/ld.so.cache").includes(`${LIB}\0`)) return true;
  } catch {
    // No cache (some minimal images): the default folders decide.
  }
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  const defaults = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", `/lib/${arch}-linux-gnu`, `/usr/lib/${arch}-linux-gnu`];
  return defaults.some((d) => existsSync(join(d, LIB)));
}

/** The reason a WebGPU backend is skipped when {@link vulkanLoaderFound} is false. */
export const NO_VULKAN_LOADER = `no GPU adapter: the Vulkan loader (${LIB}) is not installed, and WebGPU on Linux reaches the GPU through it`;
