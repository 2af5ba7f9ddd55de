import type { SafetensorsDtype } from "./dtype.js";

/**
 * One tensor of a safetensors file, as its header describes it. The bytes are
 * `[begin, end)` of the data section, which starts at `8 + headerSize` in the
 * file; they are little-endian, row-major (C order), packed with no padding.
 */
export interface TensorInfo {
  /** The key in the header, verbatim. */
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  /** Dims, outermost first; `[]` is a scalar. */
  readonly shape: readonly number[];
  /** First byte, relative to the start of the data section. */
  readonly begin: number;
  /** One past the last byte, relative to the start of the data section. */
  readonly end: number;
}
