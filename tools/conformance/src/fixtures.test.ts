import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixturesDir } from "./index.js";

const shared = fileURLToPath(new URL("../../../../shared/conformance/", import.meta.url));

function tree(dir: string, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of tree(p, `${prefix}${name}/`)) out.set(k, v);
    else out.set(`${prefix}${name}`, createHash("sha256").update(readFileSync(p)).digest("hex"));
  }
  return out;
}

describe("conformance fixtures copy", () => {
  it("lists the seven PyTorch cases", () => {
    expect(conformanceCases().map((c) => c.name)).toHaveLength(7);
  });

  it.skipIf(!existsSync(shared))("is byte-identical to ../shared/conformance", () => {
    expect(tree(fixturesDir)).toEqual(tree(shared));
  });
});
