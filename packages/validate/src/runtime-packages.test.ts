import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { installCommand, RUNTIME_PACKAGES } from "./runtime-packages.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

describe("RUNTIME_PACKAGES", () => {
  it("matches package.json: optional peers at the same versions, dev dependencies for the tests, none a dependency", () => {
    expect(pkg.peerDependencies).toEqual(RUNTIME_PACKAGES);
    for (const [name, version] of Object.entries(RUNTIME_PACKAGES)) {
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies?.[name], name).toBe(version);
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
  });
});

describe("installCommand", () => {
  it("names each package at its tested version", () => {
    expect(installCommand("@tensorflow/tfjs", "webgpu")).toBe("npm i @tensorflow/tfjs@4.22.0 webgpu@0.6.2");
  });
});
