import type { FusePlan } from "../block/fuse-plan.js";
import type { FusedDtype } from "../engine/fuse-to.js";
import type { FusedStorage } from "../engine/finite-guard.js";
import { fusedStorageIn } from "../engine/fused-storage.js";

/** What the fuse worker is asked: rows [from, to) of a block packed in `input`, into `output`, then `state` set. */
export interface FuseJob {
  /** The block, packed (see `pack`): its row kernels hold rows [from, to) only. */
  readonly block: unknown;
  readonly input: SharedArrayBuffer;
  readonly plan: FusePlan;
  readonly dtype: FusedDtype;
  readonly from: number;
  readonly to: number;
  /** Kernel rows at byte 0, then the bias at `biasOffset`, in the dtype's storage. */
  readonly output: SharedArrayBuffer;
  readonly biasOffset: number;
  /** Int32 [0]: RUNNING until the worker sets DONE or FAILED and notifies. */
  readonly state: SharedArrayBuffer;
}

export const RUNNING = 0;
export const DONE = 1;
export const FAILED = 2;

/** `length` values of `dtype`'s storage in shared memory from byte `offset`. */
export function sharedView(dtype: FusedDtype, buffer: SharedArrayBuffer, offset: number, length: number): FusedStorage {
  return fusedStorageIn(new Uint8Array(buffer, offset), dtype, length);
}
