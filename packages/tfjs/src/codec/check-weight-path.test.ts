import { isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { checkWeightPath } from "./check-weight-path.js";

function code(path: string): string | undefined {
  try {
    checkWeightPath(path, "test");
    return undefined;
  } catch (e) {
    return isReparamError(e) ? e.code : "not a ReparamError";
  }
}

describe("checkWeightPath", () => {
  it.each(["group1-shard1of1.bin", "weights.bin", "./weights.bin", "sub/dir/w.bin", "a..b.bin", "..bin", "w.bin?v=1"])(
    "accepts %j",
    (p) => expect(code(p)).toBeUndefined(),
  );

  it.each([
    ["parent segment", "../secret.bin"],
    ["inner parent segment", "sub/../../secret.bin"],
    ["trailing parent segment", "sub/.."],
    ["percent-encoded parent", "%2e%2e/secret.bin"],
    ["half-encoded parent", ".%2E/secret.bin"],
    ["absolute path", "/etc/passwd"],
    ["protocol-relative URL", "//evil.example/w.bin"],
    ["backslash parent", "..\\secret.bin"],
    ["backslash absolute", "\\\\server\\share\\w.bin"],
    ["backslash inside", "sub\\w.bin"],
    ["http URL", "http://evil.example/w.bin"],
    ["https URL", "https://evil.example/w.bin"],
    ["file URL", "file:///etc/passwd"],
    ["data URL", "data:application/octet-stream;base64,AAAA"],
    ["drive letter", "C:/Windows/w.bin"],
    ["drive-relative", "c:w.bin"],
    ["empty", ""],
    ["NUL", "w.bin\0.txt"],
  ])("refuses %s", (_what, p) => expect(code(p)).toBe("TFJS_PATH_ESCAPE"));

  it("says where and what", () => {
    expect(() => checkWeightPath("../x.bin", "weightsManifest[0].paths[1]")).toThrow(
      /weightsManifest\[0\]\.paths\[1\].*"\.\.\/x\.bin"/,
    );
  });
});
