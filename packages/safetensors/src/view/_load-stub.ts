import type { Block, Candidate } from "@reparam/core";

const stubs = new WeakMap<Candidate, () => Block>();

/**
 * Calls `load`, a fuse decision's load of `candidate` (the one core counts
 * for progress), with the candidate answering `stub()` instead of reading
 * its kernels. The chunked writer reads kernel rows itself, so this is how
 * its block still counts once without the whole kernel in memory.
 */
export async function loadWithStub(
  candidate: Candidate,
  load: () => Promise<Block>,
  stub: () => Block,
): Promise<Block> {
  stubs.set(candidate, stub);
  try {
    return await load();
  } finally {
    stubs.delete(candidate);
  }
}

/** The stub a candidate's `load()` answers with while {@link loadWithStub} runs, else undefined. */
export function loadStub(candidate: Candidate): (() => Block) | undefined {
  return stubs.get(candidate);
}
