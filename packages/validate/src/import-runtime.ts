import { isReparamError, ReparamError } from "@reparam/core";
import { installCommand, type RuntimePackage } from "./runtime-packages.js";

/**
 * Loads a runtime package on demand: `load` is the caller's own
 * `() => import("onnxruntime-node")` (a literal import, so that types and
 * bundlers see it). When the package itself is not installed, throws
 * `VALIDATE_RUNTIME_MISSING` naming it and the command that installs it;
 * any other failure (a package that is there but broken) is rethrown as is.
 */
export async function importRuntime<T>(pkg: RuntimePackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw notFound(e, pkg) ? runtimeMissing(pkg, e) : e;
  }
}

/**
 * True when `error` says that `pkg` itself cannot be found (Node's
 * `ERR_MODULE_NOT_FOUND` from `import`, `MODULE_NOT_FOUND` from
 * `require.resolve`), not one of its own files or dependencies.
 */
export function notFound(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  return typeof message === "string" && (message.includes(`'${pkg}'`) || message.includes(`'${pkg}/`));
}

/** The `VALIDATE_RUNTIME_MISSING` error for one package. */
export function runtimeMissing(pkg: RuntimePackage, cause?: unknown): ReparamError {
  return new ReparamError("VALIDATE_RUNTIME_MISSING", `the runtime package ${pkg} is not installed`, {
    where: pkg,
    expected: `${pkg} installed beside @reparam/validate (an optional peer dependency, needed only to verify)`,
    found: "no such package",
    hint: installCommand(pkg),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** True for a `VALIDATE_RUNTIME_MISSING` error. */
export function isRuntimeMissing(error: unknown): error is ReparamError & { where: RuntimePackage } {
  return isReparamError(error) && error.code === "VALIDATE_RUNTIME_MISSING";
}

/**
 * One `VALIDATE_RUNTIME_MISSING` for every backend of a run that was skipped
 * because its package is missing: lists the packages, and hints the command
 * that installs the first (the fastest backend's).
 */
export function noRuntimeInstalled(missing: readonly ReparamError[], where: string): ReparamError {
  const pkgs = [...new Set(missing.map((e) => e.where as RuntimePackage))];
  return new ReparamError("VALIDATE_RUNTIME_MISSING", "no runtime to run the models with is installed", {
    where,
    expected: `one of ${pkgs.join(", ")} (optional peer dependencies of @reparam/validate, needed only to verify)`,
    found: "none installed",
    hint: installCommand(pkgs[0]!),
  });
}
