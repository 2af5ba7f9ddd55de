import type { BackendName } from "./backend-name.js";
import type { OutputComparison } from "./compare-tensors.js";

/** One block's check. */
export interface BlockCheck {
  readonly name: string;
  /** The block's id, unique in the model where names repeat (core's `Candidate.id`; the name where it has none). */
  readonly id?: string;
  readonly family: string;
  /** `not-fused`: refused, skipped, or not one conv in the converted model (see `why`); `error`: loading or every backend failed. */
  readonly status: "passed" | "failed" | "not-fused" | "error";
  readonly why?: string;
  readonly backend?: BackendName;
  /** [1, C, H, W]. */
  readonly inputShape?: readonly number[];
  /** The largest |fused - branches| / bound over every sample (1: at the bound); `null` when not measured. */
  readonly used?: number | null;
  /** The block's output compared, one per sample (fused conv vs branches). */
  readonly outputs: readonly OutputComparison[];
}
