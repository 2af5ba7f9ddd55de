import { describe, expect, it } from "vitest";
import { graphIndex, producerName } from "./_graph-index.js";

describe("producerName", () => {
  it("strips a trailing colon and digits, as /^(.*):\\d+$/ does, and nothing else", () => {
    const regex = (t: string) => /^(.*):\d+$/.exec(t)?.[1] ?? t;
    for (const t of ["conv", "conv:1", "conv:12", "a/b:3", "x:1:2", "a:", "a:b", ":5", "a:1b", "a:b1", ""])
      expect(producerName(t), t).toBe(regex(t));
  });
});

describe("graphIndex", () => {
  it("follows Identity chains to a Const once, handing out a fresh chain each time", () => {
    const index = graphIndex(
      {
        node: [
          { name: "w", op: "Const" },
          { name: "w/read", op: "Identity", input: ["w", "^ctl"] },
          { name: "x", op: "Placeholder" },
          { name: "y", op: "Relu", input: ["x"] },
        ],
      },
      [],
    );
    expect(index.isConstant("w/read")).toBe(true);
    expect(index.isConstant("y")).toBe(false);
    const chain = index.constChain("w/read");
    expect(chain).toEqual(["w/read", "w"]);
    chain.pop();
    expect(index.constChain("w/read")).toEqual(["w/read", "w"]);
    expect(index.constChain("y")).toEqual([]);
  });
});
