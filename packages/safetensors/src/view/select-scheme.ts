import { ReparamError } from "@reparam/core";
import { countTouched } from "./_check-leftovers.js";
import { refuseNested } from "./_nested-blocks.js";
import { schemeRoots } from "./schemes/_scheme-paths.js";
import type { BlockMatch } from "./block-match.js";
import { BUILTIN_SCHEMES } from "./schemes/builtin-schemes.js";
import { checkNamingScheme } from "./schemes/check-naming-scheme.js";
import { type MatchSchemeOptions, matchScheme, scanScheme } from "./match-scheme.js";
import type { NamingScheme } from "./schemes/naming-scheme.js";
import { parseNamingScheme } from "./schemes/parse-naming-scheme.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/** The scheme a state dict is read with, and its blocks. */
export interface SchemeChoice {
  readonly scheme: NamingScheme;
  readonly blocks: readonly BlockMatch[];
}

/** Options of {@link selectScheme}. */
export interface SelectSchemeOptions extends MatchSchemeOptions {
  /** A built-in name, the JSON text of a custom scheme, or a scheme object; detected when absent. */
  readonly scheme?: string | NamingScheme | undefined;
}

function noScheme(expected: string, found: string, hint?: string): ReparamError {
  return new ReparamError("SAFETENSORS_NO_SCHEME", "no naming scheme fits this state dict", {
    where: "state dict keys",
    expected,
    found,
    ...(hint === undefined ? {} : { hint }),
  });
}

function named(scheme: string | NamingScheme): NamingScheme {
  if (typeof scheme !== "string") return checkNamingScheme(scheme);
  if (scheme.trimStart().startsWith("{")) return parseNamingScheme(scheme);
  const found = BUILTIN_SCHEMES.find((s) => s.name === scheme);
  if (found === undefined)
    throw noScheme(
      `one of ${BUILTIN_SCHEMES.map((s) => s.name).join(", ")}, or a custom scheme (JSON)`,
      `scheme ${JSON.stringify(scheme)}`,
    );
  return found;
}

/**
 * Chooses the naming scheme: the one asked for, or else the built-in scheme
 * that fits. Detection tries every built-in scheme; among those that match
 * without error and find blocks, the one whose blocks use the most keys wins
 * (ties: the order of `BUILTIN_SCHEMES`). When every scheme that recognises
 * something fails, the first error of the one with the most blocks that
 * match cleanly (then the most keys under its module names) is thrown: the
 * family the file most looks like names its broken block. Either way, a
 * block that is part of a larger block of another built-in scheme is
 * refused (see `refuseNested`).
 *
 * @throws ReparamError `SAFETENSORS_NO_SCHEME` (unknown name, or nothing
 *   matches), `SAFETENSORS_BAD_SCHEME`, and {@link matchScheme}'s errors.
 */
export function selectScheme(
  tensors: ReadonlyMap<string, TensorInfo>,
  options: SelectSchemeOptions = {},
): SchemeChoice {
  if (options.scheme !== undefined) {
    const scheme = named(options.scheme);
    const matched = matchScheme(tensors, scheme, options);
    if (matched.length === 0) {
      throw noScheme(
        `blocks of scheme ${scheme.name} (keys ending in ${scheme.branches[0].conv}.weight)`,
        "none",
        "is the state dict already in deploy form?",
      );
    }
    const others = BUILTIN_SCHEMES.filter((s) => s.name !== scheme.name).map(
      (s) => scanScheme(tensors, s, options).blocks,
    );
    return { scheme, blocks: refuseNested(matched, others) };
  }
  const found = new Map<NamingScheme, BlockMatch[]>();
  let best: { choice: SchemeChoice; used: number } | undefined;
  let worst: { error: unknown; score: [number, number] } | undefined;
  for (const scheme of BUILTIN_SCHEMES) {
    const { blocks, errors } = scanScheme(tensors, scheme, options);
    found.set(scheme, blocks);
    if (errors[0] === undefined) {
      const used = blocks.reduce((n, b) => n + b.consumed.length + b.kept.length, 0);
      if (blocks.length > 0 && (best === undefined || used > best.used)) best = { choice: { scheme, blocks }, used };
      continue;
    }
    // The family the file most looks like: most blocks that match cleanly, then most keys under its module names.
    const score: [number, number] = [blocks.length, countTouched(tensors.keys(), schemeRoots(scheme))];
    if (worst === undefined || score[0] > worst.score[0] || (score[0] === worst.score[0] && score[1] > worst.score[1]))
      worst = { error: errors[0].error, score };
  }
  if (best !== undefined) {
    const { scheme, blocks } = best.choice;
    return {
      scheme,
      blocks: refuseNested(
        blocks,
        [...found].filter(([s]) => s !== scheme).map(([, b]) => b),
      ),
    };
  }
  if (worst !== undefined) throw worst.error;
  throw noScheme(
    `the keys of a known family (${BUILTIN_SCHEMES.map((s) => s.name).join(", ")})`,
    `${tensors.size} keys, none of them a block's`,
    "already in deploy form? Otherwise pass a custom scheme (JSON, see the README)",
  );
}
