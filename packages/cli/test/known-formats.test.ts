import { describe, expect, it } from "vitest";
import { formats } from "../src/known-formats.js";

describe("known formats", () => {
  it("gives each entry the facts its adapter carries (one object per format)", async () => {
    for (const known of formats) {
      const adapter = await known.load();
      expect(adapter.format).toBe(known.format);
      expect(adapter.detect).toBe(known.detect);
      expect([adapter.folder, adapter.mainFile, adapter.runtime]).toEqual([
        known.folder,
        known.mainFile,
        known.runtime,
      ]);
      expect(adapter.suffixes).toBe(known.suffixes);
      expect(adapter.dtypes).toBe(known.dtypes);
    }
  });

  it("names each format once, and a folder format names its main file", () => {
    const names = formats.map((f) => f.format);
    expect(new Set(names).size).toBe(names.length);
    for (const f of formats.filter((f) => f.folder)) expect(f.mainFile).toMatch(/\S/);
  });
});
