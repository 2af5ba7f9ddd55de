import type { BatchNorm } from "../block/batch-norm.js";
import { refusal, type Refusal } from "../block/refusal.js";
import type { Vectors } from "./branch-kind.js";

/** Identity and avg-pool branches map each channel to itself: they need in == out channels. */
export function checkSameChannels(kind: string, name: string, c: number, out: number): Refusal | undefined {
  if (out !== c)
    return refusal(name, "IDENTITY_IMPOSSIBLE", `${kind} branch needs in == out channels, found ${c} -> ${out}`);
  return undefined;
}

/** The vectors of a per-channel branch: its BN over the input channels. */
export const perChannelVectors = (bn: BatchNorm | undefined, i: number, c: number): Vectors[] => [
  { where: `branch ${i}`, channels: c, bn },
];
