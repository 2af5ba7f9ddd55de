import { describe, expect, it } from "vitest";
import { bytes, unicode } from "../../../test/_bytes.js";
import { PyGlobal, PyInstance } from "./py-value.js";
import { runPickle } from "./run-pickle.js";

const noIds = {
  persistentLoad(): never {
    throw new Error("no persistent ids here");
  },
};

describe("allow-list: data calls recorded, never made", () => {
  it("records a collections.defaultdict(list) with its items as an inert placeholder", () => {
    const b = bytes(0x80, 2, "ccollections\ndefaultdict\nc__builtin__\nlist\n", 0x85, "R", "(", ...unicode("k"), "]u.");
    const v = runPickle(b, 0, noIds, "t.pkl").value as PyInstance;
    expect(v).toBeInstanceOf(PyInstance);
    expect(v.via).toBe("reduce");
    expect(v.args).toEqual([new PyGlobal("__builtin__", "list")]);
    expect(v.dictItems).toEqual([["k", []]]);
  });

  it("records a numpy array (_reconstruct, then BUILD) as an inert placeholder", () => {
    const b = bytes(
      0x80,
      2,
      "cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK",
      0,
      0x85,
      "C",
      1,
      "b",
      0x87,
      "R",
      "(K",
      1,
      "K",
      1,
      0x85,
      "N",
      0x89,
      "C",
      1,
      7,
      "tb.",
    );
    const v = runPickle(b, 0, noIds, "t.pkl").value as PyInstance;
    expect(v.cls.qualified).toBe("numpy.core.multiarray._reconstruct");
    expect(v.args[0]).toEqual(new PyGlobal("numpy", "ndarray"));
    expect(v.state).toBeDefined();
  });
});
