import { isReparamError, ReparamError } from "@reparam/core";
import { condenseReason } from "./condense-reason.js";
import { makeSamples, type SampleOptions } from "./make-samples.js";
import type { ModelSession } from "./model-session.js";
import { DEFAULT_FREE_SIZE, hasFreeDims } from "./resolve-shape.js";

/** Sizes tried, in order, for the free dims of a model's inputs until the model runs. */
export const FREE_SIZE_CANDIDATES: readonly number[] = [DEFAULT_FREE_SIZE, 32, 128, 16, 224, 256, 512, 8, 1];

/**
 * The size the free dynamic dims of `session`'s inputs get (see
 * {@link resolveShape}): `options.freeSize` when set, else the first of
 * {@link FREE_SIZE_CANDIDATES} at which the model runs one random sample
 * (a graph that pools, reshapes to a fixed size or needs a multiple of a
 * stride rejects others). Without free dims, or with given input values,
 * nothing is tried. Throws `VALIDATE_INPUT_SHAPE` when no candidate runs,
 * naming the inputs and how to give their shapes.
 */
export async function chooseFreeSize(session: ModelSession, options: SampleOptions): Promise<number | undefined> {
  const specs = session.inputs;
  const free = specs.filter((s) => hasFreeDims(s, options.dims, options.shapes));
  if (options.freeSize !== undefined || free.length === 0 || (options.inputs?.length ?? 0) > 0) return options.freeSize;
  const reasons: string[] = [];
  for (const size of FREE_SIZE_CANDIDATES) {
    const [sample] = await makeSamples(specs, { ...options, inputs: [], count: 1, freeSize: size });
    try {
      await session.run(sample!.feeds);
      return size;
    } catch (e) {
      if (isReparamError(e)) throw e;
      reasons.push(`${size}: ${condenseReason(e)}`);
    }
  }
  const dims = (d: readonly (number | string | null)[] | null) => `[${(d ?? []).map((x) => x ?? "?").join(", ")}]`;
  throw new ReparamError(
    "VALIDATE_INPUT_SHAPE",
    "the model runs at none of the sizes tried for its free input dimensions",
    {
      where: free.map((s) => `input '${s.name}' ${dims(s.dims)}`).join(", "),
      expected: `one of the sizes ${FREE_SIZE_CANDIDATES.join(", ")} to run`,
      found: reasons[0] ?? "no run",
      hint: `give the shapes: ${free.map((s) => `--shape ${s.name}=d1,d2,...`).join(" ")}`,
    },
  );
}
