import { ReparamError, globMatch } from "@reparam/core";
import type { NamingScheme } from "./view/schemes/naming-scheme.js";
import type { SafetensorsConvertOptions } from "./safetensors-convert-options.js";

/** Options checked, with defaults filled in. */
export interface ResolvedOptions {
  readonly eps: number;
  /** True when the user gave eps: it then overrides a scheme's own (`NamingScheme.eps`). */
  readonly epsGiven: boolean;
  readonly dtype: "keep" | "f32" | "f16";
  readonly keepPostBn: boolean;
  readonly strided: (name: string) => boolean;
  readonly scheme: string | NamingScheme | undefined;
  readonly fuseChunkBytes: number;
}

/** Default budget of one row chunk when fusing a large dense block: 4 MiB. */
export const DEFAULT_FUSE_CHUNK_BYTES = 4 << 20;

/** Default BatchNorm epsilon: PyTorch's. */
export const DEFAULT_EPS = 1e-5;

function bad(option: string, expected: string, found: unknown): ReparamError {
  return new ReparamError(
    "SAFETENSORS_BAD_OPTION",
    "a conversion option has a value the safetensors adapter cannot use",
    {
      where: `option ${option}`,
      expected,
      found: typeof found === "string" ? JSON.stringify(found) : String(found),
    },
  );
}

/**
 * Checks the options the safetensors adapter reads.
 *
 * @throws ReparamError `SAFETENSORS_BAD_OPTION`.
 */
export function resolveOptions(options: SafetensorsConvertOptions): ResolvedOptions {
  const eps = options.eps ?? DEFAULT_EPS;
  if (typeof eps !== "number" || !Number.isFinite(eps) || eps < 0) throw bad("eps", "a finite number >= 0", eps);
  const dtype = options.dtype ?? "keep";
  if (dtype !== "keep" && dtype !== "f32" && dtype !== "f16") throw bad("dtype", "keep, f32 or f16", dtype);
  const keep = options.keepPostBn ?? false;
  if (typeof keep !== "boolean") throw bad("keepPostBn", "true or false", keep);
  const strided = options.strided ?? [];
  if (!Array.isArray(strided) || strided.some((s) => typeof s !== "string"))
    throw bad("strided", "an array of block-name patterns", strided);
  if (options.scheme !== undefined && typeof options.scheme !== "string")
    throw bad("scheme", "a scheme name or the JSON text of a scheme", options.scheme);
  const chunk = options.fuseChunkBytes ?? DEFAULT_FUSE_CHUNK_BYTES;
  if (typeof chunk !== "number" || !Number.isSafeInteger(chunk) || chunk < 1)
    throw bad("fuseChunkBytes", "a positive integer", chunk);
  return {
    eps,
    epsGiven: options.eps !== undefined,
    dtype,
    keepPostBn: keep,
    strided: (name) => strided.some((p) => globMatch(p, name)),
    scheme: options.namingScheme ?? options.scheme,
    fuseChunkBytes: chunk,
  };
}

/** The BatchNorm eps for a scheme's blocks: the user's, else the scheme's, else PyTorch's. */
export function schemeEps(options: ResolvedOptions, scheme: NamingScheme): number {
  return options.epsGiven ? options.eps : (scheme.eps ?? options.eps);
}
