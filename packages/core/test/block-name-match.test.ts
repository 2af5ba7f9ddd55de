import { describe, expect, it } from "vitest";
import { blockNameMatch } from "../src/shared/block-name-match.js";

describe("blockNameMatch", () => {
  it("matches a pattern typed without the leading / of ONNX names, and one typed with it on names without", () => {
    expect(blockNameMatch("head*", "/head/Conv")).toBe(true);
    expect(blockNameMatch("/head*", "/head/Conv")).toBe(true);
    expect(blockNameMatch("/head*", "head.0")).toBe(true);
    expect(blockNameMatch("head*", "/backbone/head/Conv")).toBe(false);
  });

  it("matches a pattern without * anywhere in the name", () => {
    expect(blockNameMatch("stage1", "model.stage1.block0")).toBe(true);
    expect(blockNameMatch("stage1", "/stage1/stage1.0")).toBe(true);
    expect(blockNameMatch("stage2", "model.stage1.block0")).toBe(false);
  });

  it("anchors a glob at the start and ends it at the end of the name or of a segment", () => {
    expect(blockNameMatch("stage*.conv", "stage1.conv")).toBe(true);
    expect(blockNameMatch("stage*.conv", "stage1.conv.0")).toBe(true);
    expect(blockNameMatch("stage*.conv", "stage1.convx")).toBe(false);
    expect(blockNameMatch("stage*.conv", "xstage1.conv")).toBe(false);
    expect(blockNameMatch("*stage1", "/backbone/stage1/Conv")).toBe(true);
    expect(blockNameMatch("stage1*", "stage10_conv")).toBe(true);
    expect(blockNameMatch("stage1.0*", "stage10")).toBe(false);
  });

  it("takes every character but * literally", () => {
    expect(blockNameMatch("a(b)*", "a(b)c")).toBe(true);
    expect(blockNameMatch("a+*", "aa")).toBe(false);
    expect(blockNameMatch("a.b*", "axb")).toBe(false);
    expect(blockNameMatch("*", "")).toBe(true);
  });
});
