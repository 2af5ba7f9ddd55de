import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { encodingFixtures } from "../src/encodings/encoding-fixtures.js";

const root = fileURLToPath(new URL("../fixtures/encodings/", import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [relative(root, p)];
  });
}

describe("encodingFixtures", () => {
  it("writes exactly the committed files of fixtures/encodings, byte for byte", async () => {
    const made = await encodingFixtures();
    expect([...made.keys()].sort()).toEqual(filesUnder(root).sort());
    for (const [path, bytes] of made) expect(Buffer.compare(readFileSync(join(root, path)), bytes), path).toBe(0);
  });
});
