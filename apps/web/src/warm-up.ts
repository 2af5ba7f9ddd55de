import { condenseReason } from "@reparam/validate/browser";
import { pageRuntimes } from "./page-runtimes.js";

/**
 * Prepares every runtime the page may use before a model is given, so that
 * no request is made after that (the page's own assets are all it fetches,
 * and all of them now): onnxruntime-web's and TF.js's `.wasm` are fetched
 * and compiled. Says which backends work here, e.g.
 * `onnxruntime-web: wasm (webgpu: no GPU adapter ...); tfjs: webgl, wasm, cpu (...)`.
 */
export async function warmUp(): Promise<string> {
  const lines: string[] = [];
  for (const [kind, runtimes] of Object.entries(pageRuntimes)) {
    const ok: string[] = [];
    const failed: string[] = [];
    for (const rt of runtimes) {
      try {
        await rt.prepare();
        ok.push(rt.backend);
      } catch (e) {
        failed.push(`${rt.backend}: ${condenseReason(e)}`);
      }
    }
    const name = runtimes[0]?.runtime ?? kind;
    lines.push(`${name}: ${ok.join(", ") || "none"}${failed.length > 0 ? ` (${failed.join("; ")})` : ""}`);
  }
  return lines.join("; ");
}
