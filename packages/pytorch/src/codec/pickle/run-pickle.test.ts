import { isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { bytes, u32, unicode } from "../../../test/_bytes.js";
import { PyDict, PyGlobal, PyInstance, type PySet, type PyTuple, type PyValue } from "./py-value.js";
import { runPickle } from "./run-pickle.js";

const noIds = {
  persistentLoad(): PyValue {
    throw new Error("no persistent ids here");
  },
};
const run = (b: Uint8Array) => runPickle(b, 0, noIds, "test.pkl").value;

/** The ReparamError thrown by running `b`: code and what it found. */
function refusal(b: Uint8Array): { code: string; found: string | undefined } {
  try {
    run(b);
  } catch (e) {
    if (isReparamError(e)) return { code: e.code, found: e.found };
    throw e;
  }
  throw new Error("ran without error");
}

describe("the restricted pickle VM: data", () => {
  it("reads protocol 2 scalars and containers", () => {
    const v = run(
      bytes(
        0x80,
        2,
        "}q",
        0,
        "(",
        ...unicode("a"),
        "K",
        7,
        ...unicode("b"),
        "J",
        u32(-5 >>> 0),
        ...unicode("c"),
        "Nu.",
      ),
    );
    expect(v).toBeInstanceOf(PyDict);
    expect([...(v as PyDict).map.keys()]).toEqual(["a", "b", "c"]);
    expect((v as PyDict).map.get("a")).toBe(7n);
    expect((v as PyDict).map.get("b")).toBe(-5n);
  });

  it("reads floats, negative LONG1, tuples, lists, sets, memo and protocol 0 text", () => {
    const f = new Uint8Array(8);
    new DataView(f.buffer).setFloat64(0, 0.25, false);
    const v = run(
      bytes(
        0x80,
        2,
        "(",
        "G",
        f,
        0x8a,
        2,
        0x00,
        0xff,
        "N",
        0x88,
        "]q",
        1,
        "(K",
        1,
        "K",
        2,
        "e",
        "h",
        1,
        "I42\n",
        "F1.5\n",
        "t.",
      ),
    ) as PyTuple;
    expect(v.items.slice(0, 4)).toEqual([0.25, -256n, null, true]);
    expect(v.items[4]).toEqual([1n, 2n]);
    expect(v.items[5]).toBe(v.items[4]); // BINGET: the same list, not a copy
    expect(v.items.slice(6)).toEqual([42n, 1.5]);
    const s = run(bytes(0x80, 4, 0x8f, "(K", 3, 0x90, ".")) as PySet;
    expect(s.items).toEqual([3n]);
  });

  it("makes inert placeholders for unknown classes (NEWOBJ, BUILD, SETITEMS)", () => {
    const v = run(
      bytes(0x80, 2, "cmodels.yolo\nModel\n", ")", 0x81, "}", "(", ...unicode("nc"), "K", 80, "u", "b."),
    ) as PyInstance;
    expect(v).toBeInstanceOf(PyInstance);
    expect(v.cls).toEqual(new PyGlobal("models.yolo", "Model"));
    expect((v.state as PyDict).map.get("nc")).toBe(80n);
  });

  it("builds an OrderedDict with its _metadata attribute", () => {
    const v = run(
      bytes(
        0x80,
        2,
        "ccollections\nOrderedDict\n)R",
        "(",
        ...unicode("w"),
        "K",
        1,
        "u",
        "}",
        "(",
        ...unicode("_metadata"),
        "N",
        "u",
        "b.",
      ),
    ) as PyDict;
    expect(v.ordered).toBe(true);
    expect((v.attrs as PyDict).map.has("_metadata")).toBe(true);
  });
});

describe("the restricted pickle VM: refusals, naming the global (nothing runs)", () => {
  it("refuses REDUCE of os.system", () => {
    expect(refusal(bytes("cos\nsystem\n(S'echo pwned'\ntR."))).toEqual({
      code: "PYTORCH_FORBIDDEN_GLOBAL",
      found: "os.system",
    });
  });
  it("refuses posix.system, as Python on Linux pickles os.system", () => {
    expect(refusal(bytes(0x80, 2, "cposix\nsystem\n", ...unicode("id"), 0x85, "R."))).toEqual({
      code: "PYTORCH_FORBIDDEN_GLOBAL",
      found: "posix.system",
    });
  });
  it("refuses builtins.eval and __builtin__.getattr", () => {
    expect(refusal(bytes(0x80, 2, "c__builtin__\neval\n", ...unicode("1+1"), 0x85, "R.")).found).toBe(
      "__builtin__.eval",
    );
    expect(refusal(bytes(0x80, 3, "cbuiltins\ngetattr\n."))).toEqual({
      code: "PYTORCH_FORBIDDEN_GLOBAL",
      found: "builtins.getattr",
    });
  });
  it("refuses subprocess.Popen through STACK_GLOBAL", () => {
    const b = bytes(0x80, 4, 0x8c, 10, "subprocess", 0x8c, 5, "Popen", 0x93, "]", 0x85, "R.");
    expect(refusal(b)).toEqual({ code: "PYTORCH_FORBIDDEN_GLOBAL", found: "subprocess.Popen" });
  });
  it("refuses a function from any other module, then called", () => {
    expect(refusal(bytes(0x80, 2, "cmymodule\nrun_me\n)R."))).toEqual({
      code: "PYTORCH_FORBIDDEN_CALL",
      found: "mymodule.run_me",
    });
    expect(refusal(bytes(0x80, 2, "ctorch.hub\nload\n)R.")).code).toBe("PYTORCH_FORBIDDEN_GLOBAL");
  });
  it("refuses a call hidden in _rebuild_from_type_v2, INST, OBJ, or of a placeholder", () => {
    const hidden = bytes(0x80, 2, "ctorch._tensor\n_rebuild_from_type_v2\n(cmymodule\nf\nctorch\nTensor\n)Nt", "R.");
    expect(refusal(hidden)).toEqual({ code: "PYTORCH_FORBIDDEN_CALL", found: "mymodule.f" });
    expect(refusal(bytes("(imymodule\nThing\n."))).toEqual({ code: "PYTORCH_FORBIDDEN_CALL", found: "mymodule.Thing" });
    expect(refusal(bytes("(ios\nsystem\n.")).code).toBe("PYTORCH_FORBIDDEN_GLOBAL");
    expect(refusal(bytes(0x80, 2, "(cmymodule\nThing\no.")).found).toBe("mymodule.Thing");
    const ofPlaceholder = bytes(0x80, 2, "cmymodule\nThing\n)", 0x81, ")R.");
    expect(refusal(ofPlaceholder).code).toBe("PYTORCH_FORBIDDEN_CALL");
    const reconstruct = bytes(0x80, 2, "ccopyreg\n_reconstructor\n(cmymodule\nThing\ncmymodule\nBase\nNtR.");
    expect(refusal(reconstruct).code).toBe("PYTORCH_FORBIDDEN_CALL");
  });
  it("turns every failure on malformed input into a typed error", () => {
    expect(refusal(bytes(0x80, 2, "]")).code).toBe("PYTORCH_TRUNCATED");
    expect(refusal(bytes(0x80, 2, "X", u32(1000), "ab")).code).toBe("PYTORCH_TRUNCATED");
    expect(refusal(bytes(0x80, 2, "a.")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, "h", 9, ".")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, "NN.")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, 0x82, 1, ".")).code).toBe("PYTORCH_BAD_PICKLE"); // EXT1: the extension registry is code
    expect(refusal(bytes(0x80, 9, "N.")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, "K", 1, "K", 2, "s.")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, "X", u32(2), 0xc3, 0x28, ".")).code).toBe("PYTORCH_BAD_PICKLE");
    expect(refusal(bytes(0x80, 2, "Q.")).code).toBe("PYTORCH_BAD_PICKLE");
  });
});
