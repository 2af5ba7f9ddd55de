// Compiles src/wasm/*.wat into the TypeScript modules that embed their bytes
// (src/wasm/_<name>-bytes.ts), with wabt. Run after editing a .wat:
//   pnpm --filter @reparam/core run compile:wat
// The test src/wasm/wat-bytes.test.ts compiles the sources again and fails
// when an embedded module differs, so the two cannot drift apart.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { watModules } from "./wat-modules.mjs";

for (const m of await watModules(join(import.meta.dirname, "../src/wasm"))) {
  writeFileSync(m.tsPath, m.ts);
  console.log(`${m.tsPath}: ${m.bytes.length} bytes`);
}
