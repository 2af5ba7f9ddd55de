import { ReparamError } from "@reparam/core";
import { type PyValue, PyTuple } from "./py-value.js";

/** A malformed-pickle error at `where`. */
export function badPickle(message: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("PYTORCH_BAD_PICKLE", message, { where, expected, found });
}

/** Python's type name of a value, for messages. */
export function typeName(v: PyValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  return v.constructor.name;
}

/** `v` as a non-negative safe integer (a Python int), or a typed error. */
export function asIndex(v: PyValue | undefined, what: string, where: string): number {
  if (typeof v === "bigint" && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  throw badPickle(`${what} is not a non-negative integer`, where, "an int in [0, 2^53)", typeName(v));
}

/** The items of a tuple (or list), or a typed error. */
export function asItems(v: PyValue | undefined, what: string, where: string): readonly PyValue[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  throw badPickle(`${what} is not a tuple`, where, "a tuple", typeName(v));
}
