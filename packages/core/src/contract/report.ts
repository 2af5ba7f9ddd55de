import type { Refusal } from "../block/refusal.js";

/** One fused block in a report. */
export interface FusedBlockReport {
  readonly name: string;
  readonly family: string;
  /** Kernel size of each branch, e.g. `3x3`, `1x1`, `identity`. */
  readonly branches: readonly string[];
  /** Fused kernel, e.g. `3x3`. */
  readonly kernel: string;
  readonly stride: readonly [number, number];
  readonly groups: number;
}

/** What a conversion did, for people and for `--json`. */
export interface ConversionReport {
  readonly format: string;
  readonly details: Readonly<Record<string, string>>;
  readonly blocksFound: number;
  readonly fused: readonly FusedBlockReport[];
  readonly refused: readonly Refusal[];
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
  /** Blocks fused per family. */
  readonly families: Readonly<Record<string, number>>;
  readonly parameters: { readonly before: number; readonly after: number };
  readonly bytesWritten: number;
  readonly notes: readonly string[];
  /**
   * Where the time went, in seconds: `decode` (reading the model's
   * structure), `match` (finding and planning blocks), `fuse` (the fusion
   * arithmetic, inside the decisions' `fuse`), `write` (the rest of encode:
   * reading kernels and copying tensors from the input, writing the output).
   */
  readonly seconds?: {
    readonly decode: number;
    readonly match: number;
    readonly fuse: number;
    readonly write: number;
  };
}
