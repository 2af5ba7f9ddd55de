import type { BackendChoice, BackendName, SkippedBackend } from "./backend-name.js";
import type { OutputComparison } from "./compare-tensors.js";
import type { LatencyReport } from "./measure-latency.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";
import type { Tolerances } from "./tolerances.js";

/** One sample fed to both models, and every output compared. */
export interface SampleReport {
  readonly index: number;
  /** Where the inputs came from (`random, seed 0, sample 1`, a file path ...). */
  readonly label: string;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly OutputComparison[];
  readonly passed: boolean;
}

/**
 * What {@link validateConversion} found: the backend that ran (and why faster
 * ones were skipped), every sample's output comparisons, model-level
 * problems (inputs or outputs that do not pair up), latency when asked for,
 * and the verdict. Plain data: `JSON.stringify` gives the whole report.
 */
export interface ValidationReport {
  /** The runtime family that ran both models, named after their format. */
  readonly format: RuntimeFamilyName;
  /** The original model: its path, or `<N bytes>`. */
  readonly original: string;
  readonly converted: string;
  readonly requested: BackendChoice;
  readonly backend: BackendName;
  /** `onnxruntime-node`, `onnxruntime-web`, `tfjs`. */
  readonly runtime: string;
  /** Faster backends tried first, and why each was not used. */
  readonly skipped: readonly SkippedBackend[];
  readonly tolerances: Tolerances;
  readonly samples: readonly SampleReport[];
  /** Model-level problems: input or output names, counts or shapes that differ. */
  readonly problems: readonly string[];
  readonly latency?: LatencyReport;
  /** True when there are no problems and every output of every sample passed. */
  readonly passed: boolean;
}
