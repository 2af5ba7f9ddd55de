// Bundles the `reparam` command (dist/bin.js) so that it starts fast: one
// file instead of hundreds of modules, each format's adapter in its own chunk
// loaded only when a model of that format is opened. The validation runtimes
// (@reparam/validate: onnxruntime, TF.js) stay outside, imported on demand.
// commander (CommonJS) is bundled too: Node's CommonJS loader reading and
// wrapping its files cost more than the rest of `reparam --help`; the banner
// gives its `require` calls (node: built-ins only) a real `require`.
// The library entry (dist/index.js, from tsc) is not bundled.
import { rmSync } from "node:fs";
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url);
rmSync(new URL("chunks/", dist), { recursive: true, force: true });
await build({
  entryPoints: {
    bin: new URL("../src/bin.ts", import.meta.url).pathname,
    // core's parallelFuser runs it on a worker thread; bin.ts tells it where it is.
    "fuse-worker": new URL("../../core/src/node/fuse-worker.ts", import.meta.url).pathname,
  },
  outdir: dist.pathname,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@reparam/validate"],
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  sourcemap: true,
  logLevel: "warning",
});
