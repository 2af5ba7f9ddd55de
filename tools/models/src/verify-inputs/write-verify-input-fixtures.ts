// Writes the verify-inputs fixtures (see verifyInputFixtures) under tools/models/fixtures/verify-inputs/:
//   pnpm exec tsx tools/models/src/verify-inputs/write-verify-input-fixtures.ts
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { verifyInputFixtures } from "./verify-input-models.js";

const root = fileURLToPath(new URL("../../fixtures/verify-inputs/", import.meta.url));
await rm(root, { recursive: true, force: true });
await mkdir(root, { recursive: true });
let total = 0;
for (const [path, bytes] of await verifyInputFixtures()) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), bytes);
  total += bytes.byteLength;
  console.log(`${String(bytes.byteLength).padStart(8)}  ${path}`);
}
console.log(`${String(total).padStart(8)}  in all`);
