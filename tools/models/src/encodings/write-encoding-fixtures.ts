// Writes the encoding fixtures (see encodingFixtures) under tools/models/fixtures/encodings/:
//   pnpm exec tsx tools/models/src/encodings/write-encoding-fixtures.ts
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodingFixtures } from "./encoding-fixtures.js";

const root = fileURLToPath(new URL("../../fixtures/encodings/", import.meta.url));
await rm(root, { recursive: true, force: true });
let total = 0;
for (const [path, bytes] of await encodingFixtures()) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), bytes);
  total += bytes.byteLength;
  console.log(`${String(bytes.byteLength).padStart(8)}  ${path}`);
}
console.log(`${String(total).padStart(8)}  in all`);
