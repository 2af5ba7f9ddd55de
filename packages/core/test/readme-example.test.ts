import { describe, expect, it, vi } from "vitest";
import readme from "../README.md?raw";
import example from "./readme-example.ts?raw";

describe("README example", () => {
  it("is quoted verbatim as the README's first ts block", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });

  it("runs and prints the fused kernel", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await import("./readme-example.js");
      expect(log.mock.calls).toEqual([
        ["kernel", "1x1x3x3", [1, 2, 3, 4, 8, 6, 7, 8, 9]],
        ["bias", [0.5], "pads", [1, 1, 1, 1]],
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
