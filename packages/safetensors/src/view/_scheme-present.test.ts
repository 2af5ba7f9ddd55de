import { describe, expect, it } from "vitest";
import type { TensorInfo } from "../codec/tensor-info.js";
import { scanScheme } from "./match-scheme.js";
import { schemePresent } from "./_scheme-present.js";
import { BUILTIN_SCHEMES } from "./schemes/builtin-schemes.js";

const keysOf = (names: string[]) =>
  new Map<string, TensorInfo>(
    names.map((n) => [n, { dtype: "F32", shape: [1], begin: 0, end: 4 } as unknown as TensorInfo]),
  );

const repvgg = (p: string) => [
  `${p}rbr_dense.conv.weight`,
  ...["weight", "bias", "running_mean", "running_var"].map((k) => `${p}rbr_dense.bn.${k}`),
  `${p}rbr_1x1.conv.weight`,
  ...["weight", "bias", "running_mean", "running_var"].map((k) => `${p}rbr_1x1.bn.${k}`),
];

describe("schemePresent", () => {
  it("skips schemes a RepVGG state dict has nothing of, and keeps RepVGG's", () => {
    const t = keysOf([...repvgg("stage1.0."), ...repvgg("stage1.1."), "linear.weight", "linear.bias"]);
    const kept = BUILTIN_SCHEMES.filter((s) => schemePresent(t, s)).map((s) => s.name);
    expect(kept).toContain("repvgg");
    expect(kept.length).toBeLessThan(BUILTIN_SCHEMES.length / 2);
  });

  it("keeps a scheme when only a distinctive root is there (a leftover must still be reported)", () => {
    const t = keysOf(["blocks.3.rbr_1x1.bn.bias"]);
    expect(schemePresent(t, BUILTIN_SCHEMES.find((s) => s.name === "repvgg")!)).toBe(true);
  });

  it("agrees with a full scan: every skipped scheme finds no block and no error on these key sets", () => {
    const sets = [
      [...repvgg("a."), "head.fc.weight"],
      ["blocks.3.rbr_1x1.bn.bias", "blocks.3.bn.weight", "identity.running_var"],
      ["features.0.conv.weight", "features.0.bn.weight", "features.0.bn.bias"],
    ];
    for (const names of sets) {
      const t = keysOf(names);
      for (const s of BUILTIN_SCHEMES) {
        if (schemePresent(t, s)) continue;
        const scan = scanScheme(t, s, { scanAbsent: true });
        expect({ scheme: s.name, blocks: scan.blocks.length, errors: scan.errors.length }).toEqual({
          scheme: s.name,
          blocks: 0,
          errors: 0,
        });
      }
    }
  });
});
