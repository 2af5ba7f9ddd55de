import { parentPort } from "node:worker_threads";
import type { Block } from "../block/block.js";
import { fuseTo } from "../engine/fuse-to.js";
import { DONE, FAILED, type FuseJob, sharedView } from "./_fuse-job.js";
import { unpack } from "./_shared-arena.js";

// The worker of `parallelFuser`: fuses the rows it is given with core's own
// `fuseTo` (same arithmetic, same order: same bytes) into shared memory. A
// failure only sets FAILED: the main thread fuses those rows again itself,
// which throws the error with its details.
parentPort?.on("message", (job: FuseJob) => {
  const state = new Int32Array(job.state);
  try {
    const block = unpack(job.block, job.input) as Block;
    const [, iPer, kh, kw] = job.plan.kernelShape;
    const rows = job.to - job.from;
    fuseTo(block, job.plan, {
      dtype: job.dtype,
      window: { from: job.from, to: job.to },
      kernel: sharedView(job.dtype, job.output, 0, rows * iPer * kh * kw),
      bias: sharedView(job.dtype, job.output, job.biasOffset, rows),
    });
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
});
