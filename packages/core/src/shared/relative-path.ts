import { ReparamError } from "../contract/reparam-error.js";

/** What a model-named path may contain besides a plain file name. */
export interface RelativePathRules {
  /** Whether `a/b` (a file in a subfolder) is acceptable; default true. */
  readonly subfolders?: boolean;
}

/** Why a relative path is not acceptable: `empty` names no file, `escape` could leave the folder or mean another file. */
export interface RelativePathProblem {
  readonly kind: "empty" | "escape";
  /** A short phrase for messages, e.g. `a '..' segment`. */
  readonly reason: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters (NUL included) is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// In `u` mode a surrogate pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// A separator, colon or NUL hidden from the checks below by URL encoding.
const ENCODED_SPECIAL = /%(?:2f|5c|3a|00)/i;
const DRIVE = /^[A-Za-z]:/;

/**
 * Decides whether a relative path that a model file names (an ONNX external
 * data `location`, a TF.js weight path, a safetensors shard name) stays
 * inside the model's folder on every system and under URL resolution. The
 * one rule for all formats; `undefined` when acceptable. Refused:
 * - `empty`: no file named (``, `.`, `./`, `./.`);
 * - control characters (NUL included) and lone surrogates;
 * - any backslash (`..\x`, `\\server\x`), an absolute path (`/x`, `//host/x`);
 * - any `:` (URL schemes, drive letters `C:x`, NTFS streams);
 * - a `..` segment, also as Windows reads it (`...`, `.. `) and URL-encoded
 *   (`%2e%2e`, `.%2E`), and encoded separators, colons or NUL (`%2f`, `%5c`, `%3a`, `%00`);
 * - with `subfolders: false`, any `/`.
 *
 * `./x`, `a//b`, `..x` and `x..y` are acceptable. This is the pure rule; the
 * CLI also resolves symlinks and checks the real path on disk.
 *
 * @param path - the path, verbatim from the model.
 * @param rules - {@link RelativePathRules}.
 */
export function relativePathProblem(path: string, rules: RelativePathRules = {}): RelativePathProblem | undefined {
  const refuse = (reason: string): RelativePathProblem => ({ kind: "escape", reason });
  if (typeof path !== "string") return refuse("not a string");
  if (CONTROL.test(path)) return refuse("a control character");
  if (LONE_SURROGATE.test(path)) return refuse("a lone surrogate");
  if (path.includes("\\")) return refuse("a backslash");
  if (path.startsWith("/")) return refuse("an absolute path");
  if (path.includes(":")) return refuse(DRIVE.test(path) ? "a drive letter" : "a ':' (URL scheme or stream)");
  if (ENCODED_SPECIAL.test(path)) return refuse("an encoded separator, ':' or NUL");
  // URL resolution decodes %2e to "."; Windows drops trailing dots and spaces, so "..." and ".. " mean "..".
  const segments = path.split("/").map((s) => s.replace(/%2e/gi, ".").replace(/%20/g, " "));
  if (segments.some((s) => s !== "." && /^[. ]+$/.test(s))) return refuse("a '..' segment");
  if (segments.every((s) => s === "" || s === ".")) return { kind: "empty", reason: "no file name" };
  if (rules.subfolders === false && path.includes("/")) return refuse("a '/' (only a file directly in the folder)");
  return undefined;
}

/** How {@link checkRelativePath} reports a refused path: the caller's code and message parts. */
export interface RelativePathError extends RelativePathRules {
  readonly code: string;
  /** The message, given the {@link RelativePathProblem}. */
  readonly message: (problem: RelativePathProblem) => string;
  readonly where: string;
  readonly expected: string;
  /** What was found; default the path as JSON. */
  readonly found?: (problem: RelativePathProblem) => string;
  readonly hint?: string;
}

/**
 * {@link relativePathProblem}, throwing a {@link ReparamError} with the
 * caller's code and texts when the path is not acceptable.
 *
 * @param path - the path, verbatim from the model.
 * @param error - the code, message and details to throw with (and the rules).
 * @throws ReparamError `error.code`.
 */
export function checkRelativePath(path: string, error: RelativePathError): void {
  const problem = relativePathProblem(path, error);
  if (problem === undefined) return;
  throw new ReparamError(error.code, error.message(problem), {
    where: error.where,
    expected: error.expected,
    found: error.found?.(problem) ?? JSON.stringify(path),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}
