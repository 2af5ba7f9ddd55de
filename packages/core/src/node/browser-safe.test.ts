import { readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));

/** The built modules (`.js`) under `dist`, relative to it. */
const modules = (): string[] =>
  readdirSync(dist, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".js"));

const importsNode = (file: string): boolean =>
  /(from|import\()\s*["']node:/.test(readFileSync(join(dist, file), "utf8"));

describe("the built @reparam/core", () => {
  it("keeps every Node import under dist/node (the ./node entry): the main entry runs in browsers", () => {
    const all = modules();
    const underNode = (f: string) => f.startsWith(`node${sep}`);
    expect(all).toContain("index.js");
    expect(all).toContain(join("node", "index.js"));
    expect(all.filter((f) => !underNode(f) && importsNode(f))).toEqual([]);
    expect(all.filter((f) => underNode(f) && importsNode(f)).length).toBeGreaterThan(0);
  });
});
