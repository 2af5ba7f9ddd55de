import { ReparamError } from "@reparam/core";

/** Codes of the page's own errors (the adapters' and core's keep theirs). */
export type WebErrorCode =
  | "WEB_NO_FILES"
  | "WEB_UNKNOWN_FORMAT"
  | "WEB_SEVERAL_MODELS"
  | "WEB_MISSING_FILE"
  | "WEB_VERIFY_FAILED"
  | "WEB_NO_BACKEND"
  | "WEB_BUSY"
  | "WEB_BUG";

/** A {@link ReparamError} with one of the page's codes. */
export function webError(
  code: WebErrorCode,
  message: string,
  details: ConstructorParameters<typeof ReparamError>[2] = {},
): ReparamError {
  return new ReparamError(code, message, details);
}
