/** The `code` of a thrown ReparamError (checked by name, across package copies), or a description of anything else. */
function describeError(e: unknown): string {
  const x = e as { name?: unknown; code?: unknown } | null;
  if (typeof x === "object" && x !== null && x.name === "ReparamError" && typeof x.code === "string") return x.code;
  return `not a ReparamError: ${String(e)}`;
}

/** Runs `f`: undefined when it returns, the error code when it throws a ReparamError (else a description). */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return describeError(e);
  }
}

/** Awaits `p`: undefined when it resolves, the error code when it rejects with a ReparamError (else a description). */
export async function errorCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return describeError(e);
  }
}
