import type { Refusal } from "../block/refusal.js";

/** One fused block in a report. */
export interface FusedBlockReport {
  readonly name: string;
  /** The block's id, unique in the model (see `Candidate.id`; the name where the candidate has none). */
  readonly id?: string;
  readonly family: string;
  /** Kernel size of each branch, e.g. `3x3`, `1x1`, `identity`. */
  readonly branches: readonly string[];
  /** Fused kernel, e.g. `3x3`. */
  readonly kernel: string;
  readonly stride: readonly [number, number];
  readonly groups: number;
}

/**
 * A fused tensor written in the input's affine-quantized encoding (TF.js
 * `quantization` uint8/uint16): re-quantized from the exact float64 fusion
 * with the same scheme and a fresh range, and how far that moved it.
 */
export interface RequantizedTensor {
  /** The tensor's name in the output. */
  readonly name: string;
  /** Storage of each element: `uint8` or `uint16`. */
  readonly dtype: string;
  /** max |stored - exact| over the tensor, the stored value dequantized as the runtime does. */
  readonly maxError: number;
  /** max - min of the exact fused values. */
  readonly range: number;
  /** `maxError / range` (0 when the range is 0): at most about 1 / (2 qmax) for a fresh range. */
  readonly relativeError: number;
  /** The input's min and scale held every value (a tensor the fusion did not change keeps its bytes). */
  readonly keptRange: boolean;
}

/** What a conversion did, for people and for `--json`. */
export interface ConversionReport {
  readonly format: string;
  readonly details: Readonly<Record<string, string>>;
  readonly blocksFound: number;
  readonly fused: readonly FusedBlockReport[];
  readonly refused: readonly Refusal[];
  /** Blocks left alone (`--exclude`, `--only`), with their id as `fused` gives it. */
  readonly skipped: readonly { readonly name: string; readonly id?: string; readonly why: string }[];
  /** Blocks fused per family. */
  readonly families: Readonly<Record<string, number>>;
  readonly parameters: { readonly before: number; readonly after: number };
  readonly bytesWritten: number;
  readonly notes: readonly string[];
  /**
   * Fused tensors re-quantized into the input's affine encoding (`--dtype
   * keep` on a quantized model), with the error each one introduced; absent
   * when none was.
   */
  readonly requantized?: readonly RequantizedTensor[];
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
