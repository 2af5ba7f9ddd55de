import type { ConvertOptions } from "@reparam/core";
import type { BlockSpec, Shape4 } from "./block-spec.js";

/** The files of one model: `main` is the file a converter opens (`model.onnx`, `model.json`, `x.safetensors`). */
export interface ModelFiles {
  readonly main: string;
  /** Every file by its path relative to the model's folder, the main one included. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** A block written in one spelling. */
export interface SpelledModel extends ModelFiles {
  /**
   * The spec with every value as this spelling stored it (rounded to its
   * storage dtype, BN folded the way the exporter would): the float64
   * reference is computed from this, so that only the conversion is judged.
   */
  readonly stored: BlockSpec;
  /** Unit roundoff of the dtype the runtime computes in: 2^-24 for float32, 2^-11 for float16. */
  readonly unit: number;
}

/** An NCHW float tensor. */
export interface Nchw {
  readonly data: Float32Array | Float64Array;
  readonly shape: Shape4;
}

/**
 * One way a format writes a block (ONNX Conv -> BatchNormalization, a TF.js
 * `_FusedConv2D` graph, a state dict under one naming scheme ...). The fuzz
 * runner writes the block, converts it with the format's adapter, runs the
 * original and the converted model with `run` on the real runtime and checks
 * both against the float64 reference.
 */
export interface Spelling {
  /** The adapter that converts it: `onnx`, `tfjs` or `safetensors`. */
  readonly format: "onnx" | "tfjs" | "safetensors";
  /** Short unique name, e.g. `onnx/conv-bn`, `tfjs-graph/fused-conv-mul-add`. */
  readonly name: string;
  /** True when this spelling can write the block; otherwise why not (counted, not a failure). */
  accepts(spec: BlockSpec): true | string;
  write(spec: BlockSpec): Promise<SpelledModel>;
  /**
   * Runs a model of this spelling's format (the original or the converted
   * one) on x ([1, C, H, W], NCHW whatever the format's layout) on the real
   * runtime, and returns the block's output as NCHW. `stored` is the spec
   * the model was written from (state dicts carry no geometry).
   */
  run(model: ModelFiles, stored: BlockSpec, x: Nchw): Promise<Nchw>;
  /** Options for `reparameterize` (a state dict's eps, its strided blocks ...); `{}` when absent. */
  convertOptions?(stored: BlockSpec): ConvertOptions;
  /**
   * Refusal reasons that are true for this block in this spelling (e.g.
   * `FORMAT_UNSUPPORTED` for a grouped block in a format without groups). A
   * refusal for any other reason is a mismatch; none are expected when absent.
   */
  expectedRefusals?(stored: BlockSpec): readonly string[];
  /**
   * True when `converted` is the fused block (one conv where the block was,
   * nothing else of it left), else what is left. The runner's check for the
   * format (`fusedCheckFor`) when absent.
   */
  checkFused?(converted: ModelFiles, stored: BlockSpec): true | string | Promise<true | string>;
  /** Set on a spelling the converter is known to leave unfused today: why, and the fix it waits for. */
  readonly knownIssue?: string;
}
