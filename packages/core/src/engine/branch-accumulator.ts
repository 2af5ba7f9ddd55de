/**
 * One branch, prepared once per block. `add` is enough for the generic
 * engine; the rest lets the engine skip work:
 * - a branch that `covers` the whole row (same kernel size and groups as the
 *   block) can `assign` it, or write a channel `direct`ly into the output,
 *   and give its float64 values at listed positions (`gather`);
 * - a branch that `touches` few positions can list them (`touch`).
 * A conv branch's kernel may hold only a window of output channels (rows
 * `rowBase`.. of the block's): channel o is then its row o - rowBase.
 * Implemented as classes, not per-block closures: the optimizing compiler
 * then keeps one compiled copy per branch kind instead of deoptimizing on
 * every new block's closures.
 */
export interface BranchAccumulator {
  /** Adds channel o of the branch into the row [in/groups, kh, kw]; returns the branch's bias for o. */
  add(o: number, row: Float64Array): number;
  readonly covers: boolean;
  /** Only when `covers`: writes the whole row (no zeroing needed); returns the bias. */
  assign(o: number, row: Float64Array): number;
  /**
   * Only when `covers`: out[base + j] = (w_j t) * post for every j of the row;
   * returns the bias. Sets `tally.unproven` unless it proved every stored value finite.
   */
  direct(o: number, out: Float32Array | Float64Array, base: number, post: number, tally: FiniteTally): number;
  /** Only when `covers`: row[q] = w_q t (float64) for each q in list[0, n). */
  gather(o: number, list: Int32Array, n: number, row: Float64Array): void;
  /** Only when `covers`: row[i] = w_q t for q = start + i step, i in [0, row.length). */
  gatherStrided(o: number, start: number, step: number, row: Float64Array): void;
  readonly touches: boolean;
  /** Only when `touches`: writes the row positions channel o touches into `list` from `n`; returns the new length. */
  touch(o: number, list: Int32Array, n: number): number;
  /**
   * Only when `covers`, and only some kinds (a conv): channel o's values as
   * one dense run, `data[at + j] * scale` for j in the row: what a
   * WebAssembly kernel reads straight (see `fuseLattice`).
   */
  denseRow?(o: number): DenseRow;
  /**
   * Only some kinds (the identity, in a compact 1x1 row): the one position
   * channel o adds to and the value it adds there (undefined for a pool).
   */
  point?(o: number): { readonly at: number; readonly value: number } | undefined;
  /** Conv, identity and pool branches: the factor channel o's values carry (BN scale, pool weight; 1 for a bare conv). */
  scale(o: number): number;
  /** Conv, identity and pool branches: the bias channel o adds (what `add` returns). */
  bias(o: number): number;
}

/** A branch's channel as a dense run: `data[at + j] * scale`. */
export interface DenseRow {
  readonly data: Float32Array | Float64Array;
  readonly at: number;
  readonly scale: number;
}

/**
 * Whether a fast engine proved, as it stored them, that every fused value is
 * finite: the finiteness guard then need not scan the kernel again.
 */
export interface FiniteTally {
  unproven: boolean;
}

/** Stands in for a capability a branch kind does not have (`covers` or `touches` false): calling it is a bug. */
export const unsupported = (): never => {
  throw new Error("branch accumulator: capability not available");
};
