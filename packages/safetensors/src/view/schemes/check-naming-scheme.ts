import { ReparamError } from "@reparam/core";
import type { BranchRule, NamingScheme } from "./naming-scheme.js";

const NAME = "[A-Za-z0-9_]+";
const PLAIN_PATH = new RegExp(`^${NAME}(\\.${NAME})*$`);
// `{i}` a whole segment (a ModuleList index); `{k}` and `{r}` inside a name (UniRepLKNet's `dil_conv_k{k}_{r}`).
const SEGMENT = "(?:[A-Za-z0-9_]|\\{[kr]\\})+";
const INDEXED_PATH = new RegExp(`^${SEGMENT}(\\.(${SEGMENT}|\\{i\\}))*$`);
const placeholders = (p: string) => (p.match(/\{[ikr]\}/g) ?? []).sort().join();

type Obj = Record<string, unknown>;

function fail(where: string, expected: string, found: unknown): never {
  const shown = found === undefined ? "nothing" : JSON.stringify(found);
  throw new ReparamError("SAFETENSORS_BAD_SCHEME", "not a valid naming scheme", {
    where,
    expected,
    found: shown ?? String(found),
  });
}

function object(value: unknown, where: string, allowed: readonly string[]): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "an object", value);
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) fail(`${where}.${extra[0]}`, `only the keys ${allowed.join(", ")}`, extra[0]);
  return value as Obj;
}

function text(o: Obj, key: string, where: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "string" || v.length === 0) fail(`${where}.${key}`, "a non-empty string", v);
  return v;
}

function path(
  o: Obj,
  key: string,
  where: string,
  opts: { optional?: boolean; indexed?: boolean } = {},
): string | undefined {
  const v = text(o, key, where, opts.optional);
  if (v === undefined) return undefined;
  const once = ["{i}", "{k}", "{r}"].every((p) => v.split(p).length <= 2);
  const ok = opts.indexed === true ? INDEXED_PATH.test(v) && once : PLAIN_PATH.test(v);
  if (!ok)
    fail(
      `${where}.${key}`,
      `a module path of dot-separated names${opts.indexed === true ? " with at most one each of {i}, {k}, {r} (not first)" : ""}`,
      v,
    );
  return v;
}

function flag(o: Obj, key: string, where: string): void {
  if (o[key] !== undefined && typeof o[key] !== "boolean") fail(`${where}.${key}`, "true or false", o[key]);
}

const FORM_KEYS = [
  "deploy",
  "branches",
  "postBn",
  "postAffine",
  "preBn",
  "sharedPreBn",
  "moduleRoots",
  "genericRoots",
  "markedBy",
  "notMarkedBy",
  "staleDeploy",
];
const SCALE_KEYS = ["scale", "scaleRequired", "scaleRow", "negate"];

function checkScale(o: Obj, where: string): void {
  path(o, "scale", where, { optional: true });
  flag(o, "scaleRequired", where);
  flag(o, "negate", where);
  const row = o.scaleRow;
  if (row !== undefined && (typeof row !== "number" || !Number.isSafeInteger(row) || row < 0))
    fail(`${where}.scaleRow`, "an integer >= 0", row);
}

function checkRule(value: unknown, where: string, first: boolean): BranchRule {
  if (typeof value !== "object" || value === null) fail(where, "a branch rule object", value);
  const kinds = ["conv", "identity", "bareIdentity", "sequential", "avgpool", "chain"].filter((k) => k in value);
  if (kinds.length !== 1)
    fail(where, "exactly one of conv, identity, bareIdentity, sequential, avgpool, chain", Object.keys(value));
  const kind = kinds[0]!;
  if (first && kind !== "conv") fail(where, "a conv rule first (its weight keys define the blocks)", kind);
  if (kind === "conv") {
    const o = object(value, where, [
      "conv",
      "bn",
      "required",
      "linear",
      "minKernel",
      "depthwise",
      "kernel",
      "dilation",
      "bare",
      ...SCALE_KEYS,
    ]);
    for (const k of ["minKernel", "kernel", "dilation"]) {
      const n = o[k];
      if (n !== undefined && (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1))
        fail(`${where}.${k}`, "a positive integer", n);
    }
    const conv = path(o, "conv", where, { indexed: true })!;
    const bn = path(o, "bn", where, { optional: true, indexed: true });
    if (bn !== undefined && placeholders(conv) !== placeholders(bn))
      fail(`${where}.bn`, "the same placeholders ({i}, {k}, {r}) in conv and bn", bn);
    flag(o, "required", where);
    flag(o, "linear", where);
    flag(o, "depthwise", where);
    flag(o, "bare", where);
    checkScale(o, where);
  } else if (kind === "identity") {
    path(object(value, where, ["identity", "required", ...SCALE_KEYS]), "identity", where);
    flag(value as Obj, "required", where);
    checkScale(value as Obj, where);
  } else if (kind === "bareIdentity") {
    path(object(value, where, ["bareIdentity", "always", ...SCALE_KEYS]), "bareIdentity", where);
    flag(value as Obj, "always", where);
    checkScale(value as Obj, where);
  } else if (kind === "sequential") {
    flag(object(value, where, ["sequential", "required"]), "required", where);
    const s = object((value as Obj).sequential, `${where}.sequential`, [
      "first",
      "firstBn",
      "identityBased",
      "second",
      "secondBn",
    ]);
    for (const k of ["first", "second"]) path(s, k, `${where}.sequential`);
    for (const k of ["firstBn", "secondBn"]) path(s, k, `${where}.sequential`, { optional: true });
    flag(s, "identityBased", `${where}.sequential`);
  } else if (kind === "chain") {
    flag(object(value, where, ["chain", "required", ...SCALE_KEYS]), "required", where);
    checkScale(value as Obj, where);
    checkChain((value as Obj).chain, `${where}.chain`);
  } else {
    flag(object(value, where, ["avgpool", "required"]), "required", where);
    const a = object((value as Obj).avgpool, `${where}.avgpool`, ["bn", "conv", "convBn"]);
    path(a, "bn", `${where}.avgpool`);
    for (const k of ["conv", "convBn"]) path(a, k, `${where}.avgpool`, { optional: true });
  }
  return value as BranchRule;
}

/** A chain rule's convs: two or more, each a module path with parameter names of one segment. */
function checkChain(value: unknown, where: string): void {
  if (!Array.isArray(value) || value.length < 2) fail(where, "an array of two or more convs", value);
  value.forEach((v: unknown, i: number) => {
    const s = object(v, `${where}[${i}]`, ["conv", "weight", "bias", "bn", "scale", "bare", "kernelOf", "plus"]);
    path(s, "conv", `${where}[${i}]`);
    path(s, "bn", `${where}[${i}]`, { optional: true });
    path(s, "plus", `${where}[${i}]`, { optional: true });
    flag(s, "bare", `${where}[${i}]`);
    if (s.kernelOf !== undefined && s.kernelOf !== "hw" && s.kernelOf !== "ohw")
      fail(`${where}[${i}].kernelOf`, '"hw" or "ohw"', s.kernelOf);
    for (const k of ["weight", "bias", "scale"]) {
      const name = text(s, k, `${where}[${i}]`, true);
      if (name !== undefined && !new RegExp(`^${NAME}$`).test(name))
        fail(`${where}[${i}].${k}`, "a parameter name ([A-Za-z0-9_]+)", name);
    }
  });
}

/**
 * Checks that a value is a usable {@link NamingScheme} (for schemes that come
 * from users, as JSON or objects): only known keys, module paths of
 * dot-separated `[A-Za-z0-9_]` names (`{i}`, `{k}`, `{r}` only in conv rules,
 * the same in conv and bn), a conv rule first, exactly one kind per branch
 * rule; `deploy` may be `""` (the block module itself); variants are checked
 * like the scheme.
 *
 * @param where - where the scheme came from, for error messages.
 * @returns the same value, typed.
 * @throws ReparamError `SAFETENSORS_BAD_SCHEME`.
 */
export function checkNamingScheme(value: unknown, where = "scheme"): NamingScheme {
  const o = object(value, where, [...FORM_KEYS, "name", "family", "description", "eps", "variants"]);
  text(o, "name", where);
  text(o, "family", where);
  text(o, "description", where, true);
  checkForm(o, where);
  if (o.eps !== undefined && (typeof o.eps !== "number" || !Number.isFinite(o.eps) || o.eps < 0))
    fail(`${where}.eps`, "a finite number >= 0", o.eps);
  const variants = o.variants;
  if (variants !== undefined && !Array.isArray(variants)) fail(`${where}.variants`, "an array of forms", variants);
  (variants ?? []).forEach((v: unknown, i: number) => {
    checkForm(object(v, `${where}.variants[${i}]`, FORM_KEYS), `${where}.variants[${i}]`);
  });
  return value as NamingScheme;
}

/** The keys a scheme and each of its variants have (see `NamingSchemeForm`). */
function checkForm(o: Obj, where: string): void {
  if (o.deploy !== "") path(o, "deploy", where);
  path(o, "postBn", where, { optional: true });
  path(o, "postAffine", where, { optional: true });
  if (Array.isArray(o.preBn)) {
    if (o.preBn.length === 0) fail(`${where}.preBn`, "a module path or a non-empty array of them", o.preBn);
    o.preBn.forEach((_, i) => path(o.preBn as Obj, String(i), `${where}.preBn`));
  } else path(o, "preBn", where, { optional: true });
  flag(o, "sharedPreBn", where);
  flag(o, "moduleRoots", where);
  const branches = o.branches;
  if (!Array.isArray(branches) || branches.length === 0)
    fail(`${where}.branches`, "a non-empty array of branch rules", branches);
  branches.forEach((b, i) => checkRule(b, `${where}.branches[${i}]`, i === 0));
  for (const field of ["markedBy", "notMarkedBy"]) {
    const marks = o[field];
    if (
      marks !== undefined &&
      (!Array.isArray(marks) || marks.length === 0 || marks.some((k) => typeof k !== "string" || !PLAIN_PATH.test(k)))
    )
      fail(`${where}.${field}`, "a non-empty array of key paths", marks);
  }
  flag(o, "staleDeploy", where);
  const roots = o.genericRoots;
  if (
    roots !== undefined &&
    (!Array.isArray(roots) || roots.some((r) => typeof r !== "string" || !PLAIN_PATH.test(r) || r.includes(".")))
  ) {
    fail(`${where}.genericRoots`, "an array of single path segments", roots);
  }
}
