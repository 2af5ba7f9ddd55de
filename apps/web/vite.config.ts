import { defineConfig } from "vite";

/**
 * Static build: `dist/` holds the page, its worker and every runtime's
 * .wasm (onnxruntime-web, TF.js), served from the page's own origin; no CDN.
 */
export default defineConfig({
  base: "./",
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 4096, assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ["onnxruntime-web"] },
});
