#!/usr/bin/env node
// Checks the one test naming style (#16): `describe` names the subject, and
// every `it`/`test` title is a present-tense sentence about that subject that
// starts with a third-person verb ("refuses a block whose ...", "throws
// SAFETENSORS_TRUNCATED for ..."). Table-driven titles may lead with a
// placeholder prefix and a colon ("%s: fuses to the reference").
//
// Scans the files vitest runs (vitest.config.ts `include`), takes the first
// argument of it/test calls (it.each(...)(...), it.fails, it.skipIf(...)(...),
// test.each ...), prints `file:line: title` for each offender, exits 1 if any.
// Plain Node, no dependencies: a small scanner blanks comments, strings and
// regex literals so that calls are found only in code.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** (group, dir): the test files are <group>/<package>/<dir>/.../<name>.test.ts, as in vitest.config.ts. */
const ROOTS = [
  ["packages", "src"],
  ["packages", "test"],
  ["tools", "src"],
  ["tools", "test"],
  ["apps", "test"],
];

/** A third-person present verb: fuses, refuses, reads, does, is, has, round-trips. */
const VERB = /^[a-z][a-z-]*s$/;

/**
 * Words that end in "s" but are no verbs, so that the pattern above does not
 * let a noun phrase or a clause through ("this block ...", "its bytes ...").
 */
const NOT_VERBS = new Set(
  [
    // function words
    "across always as its less minus perhaps plus this thus unless various was yes",
    // plural nouns and format names of this repo that would start a noun phrase
    "bias blocks bytes channels dims errors files inputs kernels layers models nodes options outputs",
    "safetensors shards tensors tfjs values weights",
  ]
    .join(" ")
    .split(" "),
);

/** Verbs that do not match VERB, each with its reason. None needed so far. */
const EXTRA_VERBS = new Map([]);

/** A placeholder of it.each / test.each: printf-style, `$name`, `${...}`. */
const PLACEHOLDER = /%[sdifjoO#]|\$[A-Za-z_#][\w.]*|\$\{/;

function* testFiles() {
  for (const [group, dir] of ROOTS) {
    let names;
    try {
      names = readdirSync(join(root, group), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of names) {
      if (entry.isDirectory()) yield* walk(join(root, group, entry.name, dir));
    }
  }
}

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) yield path;
  }
}

// A "/" after one of these (or at the start) begins a regex literal, not a division.
const BEFORE_REGEX = new Set([..."(,=:[!&|?{};+-*%<>~^"]);

/**
 * Returns `src` with the insides of comments, strings, template literals and
 * regex literals replaced by spaces (newlines kept, so offsets and lines stay),
 * and a map from the offset of each string's opening quote to its end.
 */
function mask(src) {
  const out = src.split("");
  const strings = new Map();
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  let prev = ""; // last significant code character
  let prevWord = "";
  const n = src.length;
  // Skips a template literal starting at the backtick at `start`, nested ones included.
  const skipTemplate = (start) => {
    let j = start + 1;
    while (j < n && src[j] !== "`") {
      if (src[j] === "\\") j += 2;
      else if (src[j] === "$" && src[j + 1] === "{") {
        j = skipCode(j + 2, "}");
      } else j++;
    }
    return j + 1;
  };
  // Skips code up to the matching `close`, minding strings and comments.
  const skipCode = (start, close) => {
    let depth = 0;
    let j = start;
    while (j < n) {
      const c = src[j];
      if (c === "'" || c === '"') j = skipQuoted(j);
      else if (c === "`") j = skipTemplate(j);
      else if (c === "/" && src[j + 1] === "/") j = src.indexOf("\n", j) === -1 ? n : src.indexOf("\n", j);
      else if (c === "/" && src[j + 1] === "*") j = src.indexOf("*/", j + 2) === -1 ? n : src.indexOf("*/", j + 2) + 2;
      else if (c === "{") {
        depth++;
        j++;
      } else if (c === close && depth === 0) return j + 1;
      else {
        if (c === "}") depth--;
        j++;
      }
    }
    return n;
  };
  const skipQuoted = (start) => {
    const q = src[start];
    let j = start + 1;
    while (j < n && src[j] !== q && src[j] !== "\n") j += src[j] === "\\" ? 2 : 1;
    return j + 1;
  };
  while (i < n) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      const end = src.indexOf("\n", i) === -1 ? n : src.indexOf("\n", i);
      blank(i, end);
      i = end;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2) === -1 ? n : src.indexOf("*/", i + 2) + 2;
      blank(i, end);
      i = end;
    } else if (c === "'" || c === '"' || c === "`") {
      const end = c === "`" ? skipTemplate(i) : skipQuoted(i);
      strings.set(i, end);
      blank(i + 1, end - 1);
      prev = c;
      prevWord = "";
      i = end;
    } else if (c === "/" && (prev === "" || BEFORE_REGEX.has(prev) || prevWord === "return" || prevWord === "typeof")) {
      let j = i + 1;
      let inClass = false;
      while (j < n && src[j] !== "\n" && (inClass || src[j] !== "/")) {
        if (src[j] === "\\") j++;
        else if (src[j] === "[") inClass = true;
        else if (src[j] === "]") inClass = false;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      prev = "/";
      prevWord = "";
    } else {
      if (!/\s/.test(c)) {
        if (/[\w$]/.test(c)) {
          prevWord = /[\w$]/.test(prev) ? prevWord + c : c;
        } else prevWord = "";
        prev = c;
      }
      i++;
    }
  }
  return { code: out.join(""), strings };
}

/** Offset just past the bracket that closes the one at `open`, in masked code. */
function matchBracket(code, open) {
  const pairs = { "(": ")", "[": "]", "{": "}" };
  const stack = [];
  for (let j = open; j < code.length; j++) {
    const c = code[j];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ")" || c === "]" || c === "}") {
      stack.pop();
      if (stack.length === 0) return j + 1;
    }
  }
  return code.length;
}

/** Yields `{ offset, title }` for each it/test call; title is null when not a literal. */
function* titles(src) {
  const { code, strings } = mask(src);
  const call = /(?<![\w$.])(it|test)\b/g;
  for (let m = call.exec(code); m !== null; m = call.exec(code)) {
    let j = m.index + m[0].length;
    // Modifiers: .each(table), .skipIf(cond), .fails, .only, .concurrent, ...
    for (;;) {
      const mod = /^\s*\.\s*([A-Za-z]+)\s*/.exec(code.slice(j, j + 80));
      if (mod === null) break;
      j += mod[0].length;
      if (code[j] === "(" && ["each", "skipIf", "runIf", "for"].includes(mod[1])) j = matchBracket(code, j);
      else if (code[j] === "`" && mod[1] === "each") j = strings.get(j) ?? j; // it.each`a | b ...`
    }
    const open = /^\s*\(\s*/.exec(code.slice(j, j + 200));
    if (open === null) continue; // not a call: an import, a property, a word
    const arg = j + open[0].length;
    const end = strings.get(arg);
    if (end === undefined) {
      if (code[arg] !== ")") yield { offset: m.index, title: null };
      continue;
    }
    const after = /^\s*([,)+])/.exec(code.slice(end, end + 200));
    yield { offset: m.index, title: after?.[1] === "+" ? null : src.slice(arg + 1, end - 1) };
  }
}

/** Why `title` breaks the style, or undefined when it keeps it. */
function offence(title) {
  if (title === null) return "title is not a string literal";
  const colon = title.indexOf(": ");
  // "%s: fuses ...": the sentence after a leading prefix that holds a placeholder.
  const sentence = colon !== -1 && PLACEHOLDER.test(title.slice(0, colon)) ? title.slice(colon + 2) : title;
  const word = firstWord(sentence);
  if (isVerb(word) || (sentence !== title && isVerb(firstWord(title)))) return undefined;
  return `"${word}" is not a third-person present verb`;
}

// "fuses, in a graph model, ...": punctuation after the verb is not part of it.
const firstWord = (text) => (text.split(/\s/, 1)[0] ?? "").replace(/[,;:]$/, "");
const isVerb = (word) => EXTRA_VERBS.has(word) || (VERB.test(word) && !NOT_VERBS.has(word));

function main() {
  let bad = 0;
  let count = 0;
  for (const file of testFiles()) {
    const src = readFileSync(file, "utf8");
    for (const { offset, title } of titles(src)) {
      count++;
      const why = offence(title);
      if (why === undefined) continue;
      bad++;
      const line = src.slice(0, offset).split("\n").length;
      const shown = title === null ? `(${why})` : title;
      console.log(`${relative(root, file)}:${line}: ${shown}`);
    }
  }
  if (bad > 0) {
    console.error(
      `check:test-names: ${bad} of ${count} test titles do not start with a third-person verb ` +
        `("refuses ...", "%s: fuses ..."); describe() names the subject, it() says what it does.`,
    );
    process.exit(1);
  }
  console.error(`check:test-names: ${count} test titles, all start with a third-person verb`);
}

main();
