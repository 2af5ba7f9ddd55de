import { ReparamError } from "@reparam/core";
import { checkWeightPath } from "./check-weight-path.js";
import type { WeightsManifest } from "./weights-manifest.js";

/**
 * Checks the structure of an untrusted `weightsManifest`: groups with string
 * `paths` (each confined to the model's folder) and `weights` entries with a
 * string `name`, a `shape` of non-negative integers, a string `dtype` and an
 * optional `quantization` object; weight names unique across groups. Dtypes
 * are checked later, by `weightByteLength`, so that a topology can be read
 * even when a weight cannot. Returns the same object, typed.
 */
export function checkManifest(value: unknown, where = "weightsManifest"): WeightsManifest {
  if (!Array.isArray(value)) bad(where, "an array of weight groups", value);
  const names = new Map<string, string>();
  value.forEach((group: unknown, g) => {
    const gw = `${where}[${g}]`;
    if (!isObject(group)) bad(gw, "an object {paths, weights}", group);
    const { paths, weights } = group;
    if (!Array.isArray(paths)) bad(`${gw}.paths`, "an array of file paths", paths);
    paths.forEach((p: unknown, i) => {
      if (typeof p !== "string") bad(`${gw}.paths[${i}]`, "a string", p);
      checkWeightPath(p, `${gw}.paths[${i}]`);
    });
    if (!Array.isArray(weights)) bad(`${gw}.weights`, "an array of weight entries", weights);
    weights.forEach((w: unknown, i) => {
      const ww = `${gw}.weights[${i}]`;
      if (!isObject(w)) bad(ww, "an object {name, shape, dtype}", w);
      if (typeof w.name !== "string") bad(`${ww}.name`, "a string", w.name);
      const shape = w.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        bad(`${ww}.shape`, "an array of non-negative integers", shape);
      }
      if (typeof w.dtype !== "string") bad(`${ww}.dtype`, "a string", w.dtype);
      if (w.group !== undefined && typeof w.group !== "string") bad(`${ww}.group`, "a string", w.group);
      checkQuantization(w.quantization, `${ww}.quantization`);
      const first = names.get(w.name);
      if (first !== undefined) {
        throw new ReparamError("TFJS_DUPLICATE_WEIGHT", `weight name ${JSON.stringify(w.name)} appears twice`, {
          where: ww,
          expected: "unique weight names",
          found: `the same name at ${first}`,
        });
      }
      names.set(w.name, ww);
    });
  });
  return value as WeightsManifest;
}

function checkQuantization(q: unknown, where: string): void {
  if (q === undefined) return;
  if (!isObject(q)) bad(where, "an object {dtype, min?, scale?}", q);
  if (typeof q.dtype !== "string") bad(`${where}.dtype`, "a string", q.dtype);
  for (const k of ["min", "scale"]) {
    if (q[k] !== undefined && typeof q[k] !== "number") bad(`${where}.${k}`, "a number", q[k]);
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bad(where: string, expected: string, found: unknown): never {
  throw new ReparamError("TFJS_BAD_MANIFEST", "malformed weights manifest", {
    where,
    expected,
    found: preview(found),
  });
}

function preview(value: unknown): string {
  const s = value === undefined ? "nothing" : JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
