import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, no build needed.
    alias: [
      { find: /^@reparam\/core\/node$/, replacement: `${root}packages/core/src/node/index.ts` },
      { find: /^@reparam\/onnx\/wire$/, replacement: `${root}packages/onnx/src/wire.ts` },
      { find: /^@reparam\/([a-z-]+)\/detect$/, replacement: `${root}packages/$1/src/detect-$1.ts` },
      { find: /^@reparam\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "tools/*/src/**/*.test.ts", "tools/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: `${root}.vitest-report.json` }]],
  },
});
