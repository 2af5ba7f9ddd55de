import type { Rng } from "../rng.js";
import { type BorderState, frameExact, startState, stateAfter } from "./region-borders.js";
import type { Pads4, RegionOp } from "./region-spec.js";

/** What a unit of a region chain is, for its segment's kind. */
export type UnitKind = "pointwise" | "conv" | "sum" | "sum-seq" | "linear" | "linear-sum";

/** A distributive Omit (keeps the union's members apart). */
type OmitOut<T> = T extends unknown ? Omit<T, "out"> : never;
/** An op before it is given its output name. */
export type NewOp = OmitOut<RegionOp>;

/** A maximal run of units that is one linear map of its input (cut before it by a non-linearity or a padding that is not border-exact). */
export interface Segment {
  readonly units: UnitKind[];
  readonly cut: "none" | "act" | "pad";
  /** Paddings proved border-exact around an earlier unit's output (a sequence's frames). */
  frames: number;
}

/** How a unit pads what it reads: with the frame that keeps the segment exact where one exists, or with zeros. */
export type PadMode = "exact" | "zero";

/**
 * Emits the ops of a region unit by unit and keeps the border proof
 * ({@link stateAfter}) of every tensor relative to the current segment's
 * input: a unit whose paddings are not border-exact there starts a new
 * segment at its own input (where they must be: zero pads over the segment
 * input always are).
 */
export class RegionBuilder {
  readonly ops: RegionOp[] = [];
  readonly segments: Segment[] = [{ units: [], cut: "none", frames: 0 }];
  private readonly shapes = new Map<string, readonly number[]>();
  private states = new Map<string, BorderState>();
  private segment: readonly [number, number];
  /** Pointwise ops a conv left for the next unit to apply after its Pad (a bias-valued frame), per reader. */
  pending: NewOp[] = [];
  private applied = new Map<string, string>();
  private count = 0;

  constructor(
    readonly rng: Rng,
    readonly inputShape: readonly number[],
  ) {
    this.shapes.set("x", inputShape);
    this.states.set("x", startState(inputShape));
    this.segment = [inputShape[2] ?? 1, inputShape[3] ?? 1];
  }

  shape(t: string): readonly number[] {
    const s = this.shapes.get(t);
    if (s === undefined) throw new Error(`region: no tensor '${t}'`);
    return s;
  }

  /** Adds an op of output shape `shape`; returns its output's name. */
  emit(op: NewOp, shape: readonly number[]): string {
    const out = `t${this.count++}`;
    this.ops.push({ ...op, out } as RegionOp);
    this.shapes.set(out, shape);
    return out;
  }

  /** The value a frame around `t` must hold to be border-exact here, when one float32 value does (else 0). */
  private frameValue(t: string, pads: Pads4, mode: PadMode): number {
    const s = this.states.get(t);
    const v = s?.response[0] ?? 0;
    if (mode === "zero" || s === undefined || v !== Math.fround(v)) return 0;
    return frameExact(s, pads, v, this.segment) ? v : 0;
  }

  /** True when some frame around `t` can be border-exact here (its window lies in the padding, its response is one float32 value). */
  canPad(t: string): boolean {
    const s = this.states.get(t);
    return s !== undefined && this.frameValue(t, [1, 1, 1, 1], "exact") === s.response[0];
  }

  /** `t` with the pending ops applied (once per tensor when unpadded). */
  private withPending(t: string): string {
    if (this.pending.length === 0) return t;
    const known = this.applied.get(t);
    if (known !== undefined) return known;
    let y = t;
    for (const op of this.pending) y = this.emit({ ...op, input: y } as NewOp, this.shape(y));
    this.applied.set(t, y);
    return y;
  }

  /**
   * What an op reading `t` with `pads` reads: `t` itself (the op keeps its
   * pads as attributes), or a Pad node in front (value: the exact frame in
   * `exact` mode, else zeros), then the pending ops; `pads` are then the op's.
   */
  read(t: string, pads: Pads4, mode: PadMode): { input: string; pads: Pads4 } {
    const zero = pads.every((p) => p === 0);
    if (zero) return { input: this.withPending(t), pads };
    const value = this.frameValue(t, pads, mode);
    if (this.pending.length === 0 && value === 0 && this.rng.bool(0.6)) return { input: t, pads };
    const [n, c, h, w] = this.shape(t);
    const padded = this.emit({ kind: "pad", input: t, pads, value }, [
      n!,
      c!,
      h! + pads[0] + pads[2],
      w! + pads[1] + pads[3],
    ]);
    let y = padded;
    for (const op of this.pending) y = this.emit({ ...op, input: y } as NewOp, this.shape(y));
    return { input: y, pads: [0, 0, 0, 0] };
  }

  /** The current segment's input. */
  private start = "x";

  /**
   * Traces ops from `from` on over the segment input `start`: the number of
   * frames it proved around tensors made before `from` (not `start`), or
   * undefined when one op breaks the map.
   */
  private trace(
    from: number,
    states: Map<string, BorderState>,
    segment: readonly [number, number],
    start: string,
  ): number | undefined {
    let frames = 0;
    const made = new Set<string>();
    for (const op of this.ops.slice(from)) {
      const get = (t: string) => states.get(t) ?? startState(this.shape(t));
      const s = stateAfter(op, get, segment);
      if (s === undefined) return undefined;
      if ((op.kind === "conv" || op.kind === "pool" || op.kind === "pad") && op.pads.some((p) => p > 0))
        if (op.input !== start && !made.has(op.input)) frames++;
      made.add(op.out);
      states.set(op.out, s);
    }
    return frames;
  }

  /**
   * Builds one unit over `input` with `build(mode)` and places it: in the
   * current segment when its paddings are border-exact there, else at the
   * head of a new one (cut "pad"). A unit that is exact over neither is
   * built again with zero pads (`first`: the mode to try first). Returns
   * the unit's output.
   */
  unit(kind: UnitKind, input: string, first: PadMode, build: (mode: PadMode) => string): string {
    for (const mode of first === "exact" ? (["exact", "zero"] as const) : (["zero"] as const)) {
      const from = this.ops.length;
      const { pending, count } = this;
      const out = build(mode);
      this.pending = [];
      this.applied = new Map();
      const here = new Map(this.states);
      const frames = this.trace(from, here, this.segment, this.start);
      if (frames !== undefined) {
        this.states = here;
        const last = this.segments[this.segments.length - 1]!;
        last.units.push(kind);
        last.frames += frames;
        return out;
      }
      const shape = this.shape(input);
      const segment = [shape[2] ?? 1, shape[3] ?? 1] as const;
      const fresh = new Map([[input, startState(shape)]]);
      const restarted = this.trace(from, fresh, segment, input);
      if (restarted !== undefined) {
        this.states = fresh;
        this.segment = segment;
        this.start = input;
        this.segments.push({ units: [kind], cut: "pad", frames: restarted });
        return out;
      }
      this.ops.length = from;
      this.pending = pending;
      this.count = count;
    }
    throw new Error(`region: a ${kind} unit is not exact over its own input`);
  }

  /** A non-linearity after `t`: the end of the segment. */
  cut(t: string, op: "Relu" | "LeakyRelu", alpha: number): string {
    const out = this.emit({ kind: "act", input: t, op, alpha }, this.shape(t));
    const shape = this.shape(out);
    this.states = new Map([[out, startState(shape)]]);
    this.segment = [shape[2] ?? 1, shape[3] ?? 1];
    this.start = out;
    this.segments.push({ units: [], cut: "act", frames: 0 });
    return out;
  }
}
