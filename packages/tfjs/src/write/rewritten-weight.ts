import type { FusedTfjsWeight } from "./fused-tfjs-weight.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";

/** A weight of a rewritten model: one kept byte for byte, or a fused one computed when written. */
export type RewrittenWeight = TfjsWeight | FusedTfjsWeight;
