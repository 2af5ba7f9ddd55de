import { describe, expect, it } from "vitest";
import { base64Text, decodeBase64, encodeBase64, textBase64 } from "./_base64.js";

describe("base64 codec for GraphDef bytes attributes", () => {
  it("reads and writes the attributes converters emit", () => {
    expect(base64Text("VkFMSUQ=")).toBe("VALID");
    expect(base64Text("U0FNRQ==")).toBe("SAME");
    expect(textBase64("EXPLICIT")).toBe("RVhQTElDSVQ=");
    expect(textBase64("BiasAdd")).toBe("Qmlhc0FkZA==");
  });

  it("round-trips every length and byte value; accepts URL-safe and unpadded text; rejects junk", () => {
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
    expect(decodeBase64("-_8")).toEqual(Uint8Array.from([0xfb, 0xff]));
    expect(decodeBase64("U0FNRQ")).toEqual(Uint8Array.from([83, 65, 77, 69]));
    expect(decodeBase64("a*b=")).toBeUndefined();
    expect(decodeBase64("A")).toBeUndefined();
  });
});
