import { describe, expect, it } from "vitest";
import { linkShared } from "./_link-shared.js";
import type { BlockMatch } from "./block-match.js";

/** A block reading `keys` as a shared pre-BN (only the fields linkShared reads). */
const block = (name: string, keys: string[], refused = false): BlockMatch =>
  ({
    name,
    deploy: { weight: `${name}.weight`, bias: `${name}.bias` },
    ...(keys.length === 0 ? {} : { shared: { keys, by: [] } }),
    ...(refused ? { refusal: { reason: "NON_FINITE", message: "a NaN" } } : {}),
  }) as unknown as BlockMatch;

describe("linkShared", () => {
  it("groups blocks that share a key directly or through another, and lists each group's deploy weights sorted", () => {
    const { blocks } = linkShared({
      blocks: [block("v", ["n1", "n2"]), block("q", ["n1"]), block("k", ["n2"]), block("x", ["m"]), block("y", [])],
    });
    expect(blocks.map((b) => b.shared?.by)).toEqual([
      ["k.weight", "q.weight", "v.weight"],
      ["k.weight", "q.weight", "v.weight"],
      ["k.weight", "q.weight", "v.weight"],
      ["x.weight"],
      undefined,
    ]);
  });

  it("refuses every member of a group when one is refused while matching, naming it", () => {
    const { blocks } = linkShared({ blocks: [block("q", ["n1"]), block("v", ["n1"], true), block("x", ["m"])] });
    expect(blocks.map((b) => b.refusal?.reason)).toEqual(["NON_FINITE", "NON_FINITE", undefined]);
    expect(blocks[0]?.refusal?.message).toContain('"v.weight" is refused (a NaN)');
    expect(blocks[1]?.refusal?.message).toBe("a NaN");
  });
});
