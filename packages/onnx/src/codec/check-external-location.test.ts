import { create } from "@bufbuild/protobuf";
import { isReparamError } from "@reparam/core";
import { StringStringEntryProtoSchema, TensorProtoSchema } from "onnx-buf";
import { errorCode } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { checkExternalLocation } from "./check-external-location.js";
import { externalDataInfo } from "./external-data-info.js";

const code = errorCode;

describe("checkExternalLocation", () => {
  it("accepts relative paths inside the folder and normalises them", () => {
    expect(checkExternalLocation("weights.bin")).toBe("weights.bin");
    expect(checkExternalLocation("./weights.bin")).toBe("weights.bin");
    expect(checkExternalLocation("data/sub//w.bin")).toBe("data/sub/w.bin");
    expect(checkExternalLocation("w..bin")).toBe("w..bin");
    expect(checkExternalLocation("..w")).toBe("..w");
    expect(checkExternalLocation("model.onnx.data")).toBe("model.onnx.data");
  });

  it.each([
    "/etc/passwd",
    "//server/share/w.bin",
    "C:\\weights.bin",
    "C:weights.bin",
    "c:/weights.bin",
    "\\\\server\\share\\w.bin",
    "\\weights.bin",
    "..\\weights.bin",
    "sub\\..\\..\\w.bin",
    "../weights.bin",
    "a/../../weights.bin",
    "a/../weights.bin",
    "a/..",
    "..",
    ".../w.bin",
    ".. /w.bin",
    "a/. ./w.bin",
    "file:///etc/passwd",
    "http://example.com/w.bin",
    "https:w.bin",
    "w.bin:stream",
    "w\0.bin",
  ])("refuses %j with ONNX_EXTERNAL_PATH_ESCAPE", (location) => {
    expect(code(() => checkExternalLocation(location))).toBe("ONNX_EXTERNAL_PATH_ESCAPE");
  });

  it.each(["", ".", "./", "./."])("refuses the empty location %j with ONNX_EXTERNAL_BAD_ENTRY", (location) => {
    expect(code(() => checkExternalLocation(location))).toBe("ONNX_EXTERNAL_BAD_ENTRY");
  });

  it("says which tensor and shows the location verbatim", () => {
    try {
      checkExternalLocation("../x", "tensor 'conv.weight'");
      expect.unreachable();
    } catch (e) {
      expect(isReparamError(e) && e.where).toBe("tensor 'conv.weight'");
      expect(isReparamError(e) && e.found).toBe('"../x"');
    }
  });
});

describe("externalDataInfo", () => {
  const tensor = (entries: [string, string][]) =>
    create(TensorProtoSchema, {
      name: "w",
      externalData: entries.map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
    });

  it("parses location, offset, length and checksum, ignoring basepath and unknown keys", () => {
    const info = externalDataInfo(
      tensor([
        ["location", "./w.bin"],
        ["offset", "4096"],
        ["length", "12"],
        ["checksum", "abc"],
        ["basepath", "/x"],
        ["x", "y"],
      ]),
    );
    expect(info).toEqual({ location: "w.bin", offset: 4096, length: 12, checksum: "abc" });
    expect(externalDataInfo(tensor([["location", "w.bin"]]))).toEqual({
      location: "w.bin",
      offset: 0,
      length: undefined,
      checksum: undefined,
    });
  });

  it.each([
    [[["offset", "0"]]],
    [
      [
        ["location", "a"],
        ["location", "b"],
      ],
    ],
    [
      [
        ["location", "a"],
        ["offset", "-1"],
      ],
    ],
    [
      [
        ["location", "a"],
        ["offset", "1e3"],
      ],
    ],
    [
      [
        ["location", "a"],
        ["offset", " 12"],
      ],
    ],
    [
      [
        ["location", "a"],
        ["length", "0x10"],
      ],
    ],
    [
      [
        ["location", "a"],
        ["length", ""],
      ],
    ],
    [
      [
        ["location", "a"],
        ["length", "9007199254740993"],
      ],
    ],
  ] as [string, string][][][])("refuses %j with ONNX_EXTERNAL_BAD_ENTRY", (entries) => {
    expect(code(() => externalDataInfo(tensor(entries)))).toBe("ONNX_EXTERNAL_BAD_ENTRY");
  });

  it("checks the location", () => {
    expect(code(() => externalDataInfo(tensor([["location", "/abs/w.bin"]])))).toBe("ONNX_EXTERNAL_PATH_ESCAPE");
  });
});
