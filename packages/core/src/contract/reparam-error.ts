/**
 * Details carried by every {@link ReparamError}: where the problem is (a file,
 * a tensor, a node, using the model's own names verbatim), what was expected
 * and what was found.
 */
export interface ReparamErrorDetails {
  /** Where: a file path, tensor key, node or layer name, byte offset. */
  readonly where?: string;
  /** What a valid input would have had there. */
  readonly expected?: string;
  /** What the input actually had. */
  readonly found?: string;
  /** A short suggestion for the user (printed by the CLI under the message). */
  readonly hint?: string;
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The one error class of reparam. Every failure caused by the input (bad
 * bytes, unsupported structure, refused option) is a `ReparamError` with a
 * stable string `code` such as `SAFETENSORS_BAD_OFFSETS`; anything else
 * thrown is a bug.
 */
export class ReparamError extends Error {
  override readonly name = "ReparamError";
  /** Stable machine-readable code, `FORMAT_WHAT` in upper snake case. */
  readonly code: string;
  readonly where: string | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, details: ReparamErrorDetails = {}) {
    super(composeMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.where = details.where;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
  }
}

function composeMessage(message: string, d: ReparamErrorDetails): string {
  const parts = [message];
  if (d.where !== undefined) parts.push(`at ${d.where}`);
  if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
  if (d.found !== undefined) parts.push(`found ${d.found}`);
  return parts.join("; ");
}

/**
 * True for a {@link ReparamError}, also one from another copy of this package
 * or another realm (checks `name` and `code`, not only `instanceof`).
 */
export function isReparamError(value: unknown): value is ReparamError {
  if (value instanceof ReparamError) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "ReparamError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
