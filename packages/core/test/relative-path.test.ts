import { describe, expect, it } from "vitest";
import { isReparamError } from "../src/contract/reparam-error.js";
import { checkRelativePath, relativePathProblem } from "../src/shared/relative-path.js";

describe("relativePathProblem", () => {
  it.each([
    "weights.bin",
    "./weights.bin",
    "data/sub//w.bin",
    "sub/dir/w.bin",
    "w..bin",
    "..w",
    "..bin",
    "a..b.bin",
    "w.bin?v=1",
    "é.safetensors",
    "model.onnx.data",
  ])("accepts %j", (p) => expect(relativePathProblem(p)).toBeUndefined());

  it.each(["", ".", "./", "./."])("finds %j empty", (p) => expect(relativePathProblem(p)?.kind).toBe("empty"));

  it.each([
    ["w\0.bin", "a control character"],
    ["a\nb", "a control character"],
    ["a\u007fb", "a control character"],
    ["a\uD800b", "a lone surrogate"],
    ["C:\\weights.bin", "a backslash"],
    ["\\\\server\\share\\w.bin", "a backslash"],
    ["\\weights.bin", "a backslash"],
    ["..\\weights.bin", "a backslash"],
    ["sub\\w.bin", "a backslash"],
    ["/etc/passwd", "an absolute path"],
    ["//server/share/w.bin", "an absolute path"],
    ["C:weights.bin", "a drive letter"],
    ["c:/weights.bin", "a drive letter"],
    ["file:///etc/passwd", "a ':' (URL scheme or stream)"],
    ["http://example.com/w.bin", "a ':' (URL scheme or stream)"],
    ["https:w.bin", "a ':' (URL scheme or stream)"],
    ["data:application/octet-stream;base64,AAAA", "a ':' (URL scheme or stream)"],
    ["w.bin:stream", "a ':' (URL scheme or stream)"],
    ["..%2fsecret.bin", "an encoded separator, ':' or NUL"],
    ["a%5c..%5cb", "an encoded separator, ':' or NUL"],
    ["c%3aw.bin", "an encoded separator, ':' or NUL"],
    ["w%00.bin", "an encoded separator, ':' or NUL"],
    ["../weights.bin", "a '..' segment"],
    ["a/../../weights.bin", "a '..' segment"],
    ["a/..", "a '..' segment"],
    ["..", "a '..' segment"],
    [".../w.bin", "a '..' segment"],
    [".. /w.bin", "a '..' segment"],
    ["a/. ./w.bin", "a '..' segment"],
    ["%2e%2e/secret.bin", "a '..' segment"],
    [".%2E/secret.bin", "a '..' segment"],
    ["a/%2e%2E", "a '..' segment"],
  ])("refuses %j: %s", (p, reason) => expect(relativePathProblem(p)).toEqual({ kind: "escape", reason }));

  it("refuses subfolders only when told to", () => {
    expect(relativePathProblem("sub/w.bin", { subfolders: false })?.kind).toBe("escape");
    expect(relativePathProblem("./w.bin", { subfolders: false })?.kind).toBe("escape");
    expect(relativePathProblem("w.bin", { subfolders: false })).toBeUndefined();
    expect(relativePathProblem(".", { subfolders: false })?.kind).toBe("empty");
  });

  it("says why", () => {
    expect(relativePathProblem("../x")?.reason).toBe("a '..' segment");
    expect(relativePathProblem("C:x")?.reason).toBe("a drive letter");
    expect(relativePathProblem("a\\b")?.reason).toBe("a backslash");
  });
});

describe("checkRelativePath", () => {
  it("throws the caller's code, message and details", () => {
    try {
      checkRelativePath("../x", {
        code: "X_PATH_ESCAPE",
        message: (p) => `bad path (${p.reason})`,
        where: "entry 3",
        expected: "a file name",
        hint: "h",
      });
      expect.unreachable();
    } catch (e) {
      expect(isReparamError(e) && [e.code, e.where, e.expected, e.found, e.hint]).toEqual([
        "X_PATH_ESCAPE",
        "entry 3",
        "a file name",
        '"../x"',
        "h",
      ]);
      expect((e as Error).message).toMatch(/^bad path \(a '\.\.' segment\)/);
    }
  });

  it("returns for an acceptable path and uses a custom found", () => {
    const error = { code: "C", message: () => "m", where: "w", expected: "e", found: () => "F" };
    expect(() => checkRelativePath("a/b", error)).not.toThrow();
    expect(() => checkRelativePath("a/b", { ...error, subfolders: false })).toThrow(/found F/);
  });
});
