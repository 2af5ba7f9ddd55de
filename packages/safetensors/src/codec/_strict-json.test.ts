import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode } from "../../test/_make-file.js";
import { type JsonNode, jsonValueOf } from "./_json-node.js";
import { parseStrictJson } from "./_strict-json.js";

const options = { where: "test", syntaxCode: "SAFETENSORS_HEADER_NOT_JSON" };
const parse = (text: string): JsonNode => parseStrictJson(text, options);

describe("parseStrictJson", () => {
  it("agrees with JSON.parse on valid JSON without duplicate keys", () => {
    const samples = [
      '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
      ' \t\n\r{ "x" : -0.5e+10 , "y" : [ ] , "z" : { } } \n  ',
      '"\\u00e9\\ud83d\\ude00\\"\\\\\\/\\b\\f\\n\\r\\t"',
      "[0, -0, 1.25, 1E3, 1e-3, 123456789012345678901234567890]",
      '{"é":"ü","😀":"\u007f"}',
    ];
    for (const s of samples) expect(jsonValueOf(parse(s))).toEqual(JSON.parse(s));
  });

  it("agrees with JSON.parse on random JSON", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        // fc.json objects have no duplicate keys; JSON.stringify keeps that.
        expect(jsonValueOf(parse(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps key order and number text", () => {
    const node = parse('{"b":1.50,"a":2,"10":3}');
    expect(node.kind === "object" && node.entries.map(([k]) => k)).toEqual(["b", "a", "10"]);
    expect(node.kind === "object" && node.entries[0]?.[1]).toMatchObject({ kind: "number", text: "1.50" });
  });

  it("rejects duplicate keys at the top level and nested, also when escaped differently", async () => {
    await expectCode(() => parse('{"a":1,"a":2}'), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => parse('{"x":{"a":1,"b":2,"a":3}}'), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => parse('{"x":[{"k":1},{"k":1,"k":2}]}'), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => parse('{"a":1,"\\u0061":2}'), "SAFETENSORS_DUPLICATE_KEY");
    expect(() => parse('{"x":{"a":1},"y":{"a":1}}')).not.toThrow();
  });

  it("names the path of a nested duplicate", () => {
    expect(() => parse('{"t":{"shape":[1],"shape":[2]}}')).toThrow(/key "t"/);
  });

  it("rejects what JSON does not allow", async () => {
    const bad = [
      "",
      " ",
      "{",
      "}",
      '{"a":1,}',
      "[1,]",
      "{'a':1}",
      '{"a" 1}',
      "{a:1}",
      "01",
      "1.",
      ".5",
      "+1",
      "-",
      "1e",
      "NaN",
      "Infinity",
      "tru",
      "nul",
      '"abc',
      '"\t"',
      '"\\x41"',
      '"\\u12"',
      '"\\ud800"',
      '"\\udc00"',
      '"\\ud800\\u0041"',
      "\ufeff{}",
      "{} {}",
      "{}x",
      "[1 2]",
      '{"a":1 "b":2}',
      "/*c*/{}",
      "\u00a0{}",
    ];
    for (const text of bad) await expectCode(() => parse(text), "SAFETENSORS_HEADER_NOT_JSON");
  });

  it("uses the given code for syntax errors", async () => {
    await expectCode(
      () => parseStrictJson("{", { where: "x", syntaxCode: "SAFETENSORS_BAD_INDEX" }),
      "SAFETENSORS_BAD_INDEX",
    );
  });

  it("refuses nesting deeper than 128 without overflowing the stack", async () => {
    expect(() => parse(`${"[".repeat(128)}${"]".repeat(128)}`)).not.toThrow();
    await expectCode(() => parse(`${"[".repeat(129)}${"]".repeat(129)}`), "SAFETENSORS_HEADER_NOT_JSON");
    await expectCode(() => parse('{"a":'.repeat(100_000)), "SAFETENSORS_HEADER_NOT_JSON");
  });
});
