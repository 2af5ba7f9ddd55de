import { ReparamError } from "@reparam/core";
import type { JsonNode } from "./_json-node.js";

/** How {@link parseStrictJson} reports errors. */
export interface StrictJsonOptions {
  /** Label of the text (file name, "header"), put in front of every `where`. */
  readonly where: string;
  /** Error code for text that is not JSON (duplicates always use `SAFETENSORS_DUPLICATE_KEY`). */
  readonly syntaxCode: string;
}

// serde_json's default recursion limit; deeper input is refused, not a stack overflow.
const MAX_DEPTH = 128;

/**
 * Parses RFC 8259 JSON strictly: rejects a key repeated in one object at any
 * depth (`JSON.parse` silently keeps the last), lone surrogate escapes (not
 * representable in UTF-8), control characters in strings, leading zeros,
 * trailing commas, a BOM, anything after the value but whitespace, and
 * nesting deeper than 128.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions): JsonNode {
  return new Parser(text, options).parseDocument();
}

class Parser {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly options: StrictJsonOptions,
  ) {}

  parseDocument(): JsonNode {
    this.skipWhitespace();
    const node = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("end of JSON text");
    return node;
  }

  private parseValue(depth: number): JsonNode {
    const at = this.pos;
    const c = this.text.charCodeAt(at);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= MAX_DEPTH) this.fail(`nesting at most ${MAX_DEPTH} deep`);
      return c === 0x7b ? this.parseObject(depth + 1) : this.parseArray(depth + 1);
    }
    if (c === 0x22 /* " */) return { kind: "string", at, value: this.parseString() };
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return { kind: "number", at, text: this.parseNumber() };
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, at)) {
        this.pos += word.length;
        return { ...node, at };
      }
    }
    return this.fail("a JSON value");
  }

  private parseObject(depth: number): JsonNode {
    const at = this.pos++;
    const entries: (readonly [string, JsonNode])[] = [];
    // Small objects (tensor entries) scan their few keys; big ones use a Set.
    let seen: Set<string> | undefined;
    this.skipWhitespace();
    if (this.eat(0x7d /* } */)) return { kind: "object", at, entries };
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("a string key");
      const keyAt = this.pos;
      const key = this.parseString();
      if (seen === undefined && entries.length >= 8) seen = new Set(entries.map(([k]) => k));
      if (seen === undefined ? entries.some(([k]) => k === key) : seen.has(key)) {
        throw new ReparamError("SAFETENSORS_DUPLICATE_KEY", `duplicate JSON key ${JSON.stringify(key)}`, {
          where: this.where(keyAt),
          expected: "each key once per object",
          found: `${JSON.stringify(key)} again`,
        });
      }
      seen?.add(key);
      this.skipWhitespace();
      if (!this.eat(0x3a /* : */)) this.fail("':'");
      this.skipWhitespace();
      this.path.push(key);
      entries.push([key, this.parseValue(depth)]);
      this.path.pop();
      this.skipWhitespace();
      if (this.eat(0x7d)) return { kind: "object", at, entries };
      if (!this.eat(0x2c /* , */)) this.fail("',' or '}'");
    }
  }

  private parseArray(depth: number): JsonNode {
    const at = this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.eat(0x5d /* ] */)) return { kind: "array", at, items };
    for (;;) {
      this.skipWhitespace();
      this.path.push(items.length);
      items.push(this.parseValue(depth));
      this.path.pop();
      this.skipWhitespace();
      if (this.eat(0x5d)) return { kind: "array", at, items };
      if (!this.eat(0x2c)) this.fail("',' or ']'");
    }
  }

  private parseString(): string {
    const t = this.text;
    let i = ++this.pos;
    let out = "";
    let start = i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) return this.fail("a closing '\"'", i);
      if (c === 0x22) break;
      if (c < 0x20) return this.fail("no raw control character in a string (escape it)", i);
      if (c !== 0x5c /* \ */) {
        i++;
        continue;
      }
      out += t.slice(start, i);
      const e = t.charCodeAt(i + 1);
      const simple = SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 0x75 /* u */) {
        const unit = this.hex4(i + 2);
        i += 6;
        if (unit >= 0xdc00 && unit <= 0xdfff) return this.fail("no lone low surrogate escape", i - 6);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = t.startsWith("\\u", i) ? this.hex4(i + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) return this.fail("a low surrogate escape after a high one", i);
          out += String.fromCharCode(unit, low);
          i += 6;
        } else {
          out += String.fromCharCode(unit);
        }
      } else {
        return this.fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)', i);
      }
      start = i;
    }
    this.pos = i + 1;
    return out + t.slice(start, i);
  }

  private hex4(i: number): number {
    const digits = this.text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) return this.fail("4 hex digits after \\u", i);
    return parseInt(digits, 16);
  }

  private parseNumber(): string {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    // A match that stops before another digit, '.', 'e' means e.g. "01" or "1.": reject.
    const end = this.pos + (match?.[0].length ?? 0);
    if (match === null || /[0-9.eE+-]/.test(this.text.charAt(end))) return this.fail("a JSON number");
    this.pos = end;
    return match[0];
  }

  private skipWhitespace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  private eat(code: number): boolean {
    if (this.text.charCodeAt(this.pos) !== code) return false;
    this.pos++;
    return true;
  }

  private where(at: number): string {
    const path =
      this.path.length === 0
        ? ""
        : ` key ${this.path.map((k) => (typeof k === "number" ? `[${k}]` : JSON.stringify(k))).join(" > ")}`;
    return `${this.options.where}${path} (character ${at})`;
  }

  private fail(expected: string, at = this.pos): never {
    const found = at >= this.text.length ? "end of text" : JSON.stringify(this.text.slice(at, at + 20));
    throw new ReparamError(this.options.syntaxCode, "not valid JSON", { where: this.where(at), expected, found });
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

const LITERALS: readonly (readonly [string, JsonNode])[] = [
  ["true", { kind: "boolean", at: 0, value: true }],
  ["false", { kind: "boolean", at: 0, value: false }],
  ["null", { kind: "null", at: 0 }],
];

const SIMPLE_ESCAPES = new Map<number, string>([
  [0x22, '"'],
  [0x5c, "\\"],
  [0x2f, "/"],
  [0x62, "\b"],
  [0x66, "\f"],
  [0x6e, "\n"],
  [0x72, "\r"],
  [0x74, "\t"],
]);
