import { Worker } from "node:worker_threads";
import type { Block } from "../block/block.js";
import type { FusePlan } from "../block/fuse-plan.js";
import { blockRows } from "../engine/block-rows.js";
import { type FusedArrays, type FusedDtype, type Fuser, type FuseTarget, fuseTo } from "../engine/fuse-to.js";
import { FAILED, type FuseJob, RUNNING, sharedView } from "./_fuse-job.js";
import { FUSED_BYTES, storageType } from "../engine/fused-storage.js";
import { pack, SharedArena } from "./_shared-arena.js";

/** Options of {@link parallelFuser}. */
export interface ParallelFuserOptions {
  /** Blocks with less work than this (multiply-adds, about) are fused on the calling thread alone. Default 2^20. */
  readonly minWork?: number;
  /**
   * Blocks with fewer multiply-adds per value of their row kernels than this
   * are fused on the calling thread alone (default 8): such fusion is bound
   * by memory, not arithmetic (RepVGG's conv + BN sums: about 1 per value),
   * and copying rows to the worker and back costs more than it saves
   * (RepVGG-B3 safetensors: fuse 0.56-0.63 s on one thread, 0.70-0.75 s on
   * two); DBB's 1x1 -> kxk composition does about M per value.
   */
  readonly minIntensity?: number;
  /** About how many bytes of kernel rows one chunk of work holds (default 4 MiB): what the shared buffers hold. */
  readonly chunkBytes?: number;
  /** The worker script (`fuse-worker.js` beside this module by default; a bundler that moves it says where). */
  readonly workerUrl?: URL;
}

/** A {@link Fuser} that uses a second thread, and the worker to close when done. */
export interface ParallelFuser {
  readonly fuse: Fuser;
  /** Output channels the worker has fused so far (the rest were fused on the calling thread). */
  readonly workerRows: number;
  /** Ends the worker (if one was started). */
  close(): Promise<void>;
}

/** About how many multiply-adds fusing `rows` output channels of the block takes. */
function work(block: Block, plan: FusePlan, rows: number): number {
  const [, iPer, kh, kw] = plan.kernelShape;
  const perBranch = block.branches.map((b) => (b.kind === "sequential" ? b.second.kernel.shape[1] : 1));
  return rows * iPer * kh * kw * perBranch.reduce((a, b) => a + b, 0);
}

/** Values of the block's row kernels per output channel (what a chunk copies to the worker). */
function rowValues(block: Block): number {
  let n = 0;
  for (const b of block.branches) {
    const k = b.kind === "conv" ? b.kernel : b.kind === "sequential" ? b.second.kernel : undefined;
    if (k !== undefined) n += k.shape[1] * k.shape[2] * k.shape[3];
  }
  return Math.max(1, n);
}

const align8 = (n: number) => (n + 7) & ~7;
/** Rows per chunk: about `chunkBytes` of the block's row kernels (float32 or float64), at least one. */
function chunkRows(block: Block, per: number, chunkBytes: number): number {
  let bytes = 0;
  for (const b of block.branches) {
    const k = b.kind === "conv" ? b.kernel : b.kind === "sequential" ? b.second.kernel : undefined;
    if (k !== undefined) bytes += k.data.BYTES_PER_ELEMENT * k.shape[1] * k.shape[2] * k.shape[3];
  }
  return Math.max(1, Math.floor(chunkBytes / Math.max(bytes, per)));
}
/** How long, beyond 10x its own share, the main thread waits for the worker's rows before fusing them itself. */
const WAIT_MS = 60_000;

/**
 * The worker's young generation kept small: its garbage is short-lived rows,
 * and V8's default lets it grow by tens of MB before collecting (DBB-A0: peak
 * RSS 135 MB on one thread, 209 MB with the worker as V8 sizes it, 195 MB with this limit).
 */
const LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 4 } };

/**
 * The worker beside this module: `fuse-worker.js` when built; from the
 * TypeScript sources (tests), `fuse-worker.ts` loaded through tsx.
 */
function defaultWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./fuse-worker.js", import.meta.url), LIMITS);
  const file = JSON.stringify(new URL("./fuse-worker.ts", import.meta.url).href);
  return new Worker(`import("tsx/esm/api").then(({ tsImport }) => tsImport(${file}, ${file}))`, { eval: true });
}

/**
 * Fuses large blocks on two threads: the output channels go in chunks of
 * about 4 MB of kernel rows, in pairs; the worker computes the second chunk
 * of a pair with core's `fuseTo` while this thread computes the first, then
 * this thread waits (`Atomics.wait`, so `fuse` stays synchronous, as
 * adapters call it) and copies the worker's rows in. Each output channel is
 * computed exactly as `fuseTo` computes it alone (a window is a set of rows:
 * `FuseWindow`), so the bytes are the same. Inputs and outputs go through
 * two small shared buffers reused from chunk to chunk: memory does not grow
 * with the block. Blocks fused in HWIO order and small blocks stay on this
 * thread, and so do blocks bound by memory rather than arithmetic
 * (`minIntensity`).
 */
export function parallelFuser(options: ParallelFuserOptions = {}): ParallelFuser {
  const minWork = options.minWork ?? 2 ** 20;
  const minIntensity = options.minIntensity ?? 8;
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  const input = new SharedArena();
  const output = new SharedArena();
  const state = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | undefined;

  let workerRows = 0;
  let broken = false; // a worker that did not answer once is not asked again
  const start = (): Worker => {
    if (worker !== undefined) return worker;
    worker = options.workerUrl !== undefined ? new Worker(options.workerUrl, LIMITS) : defaultWorker();
    worker.unref();
    return worker;
  };

  /** Packs rows [lo, hi) of a block (its row kernels holding just those) and hands them to the worker. */
  const post = (rows: Block, plan: FusePlan, dtype: FusedDtype, lo: number, hi: number, per: number): FuseJob => {
    const packed = pack(rows, input);
    const bytes = FUSED_BYTES[dtype];
    const biasOffset = align8((hi - lo) * per * bytes);
    const job: FuseJob = {
      block: packed.value,
      input: packed.buffer,
      plan,
      dtype,
      from: lo,
      to: hi,
      output: output.reserve(biasOffset + (hi - lo) * bytes),
      biasOffset,
      state: state.buffer as SharedArrayBuffer,
    };
    Atomics.store(state, 0, RUNNING);
    start().postMessage(job);
    return job;
  };

  const fuse: Fuser = (block: Block, plan: FusePlan, target: FuseTarget): FusedArrays => {
    const [o, iPer, kh, kw] = plan.kernelShape;
    const from = target.window?.from ?? 0;
    const to = target.window?.to ?? o;
    const w = work(block, plan, to - from);
    const intensity = w / ((to - from) * rowValues(block));
    if (broken || target.hwio === true || to - from < 2 || w < minWork || intensity < minIntensity)
      return fuseTo(block, plan, target);
    const per = iPer * kh * kw;
    const storage = storageType(target.dtype);
    const kernel = target.kernel ?? new storage((to - from) * per);
    const bias = target.bias ?? new storage(to - from);
    const into = (lo: number, hi: number): FuseTarget => ({
      dtype: target.dtype,
      window: { from: lo, to: hi },
      kernel: kernel.subarray((lo - from) * per, (hi - from) * per),
      bias: bias.subarray(lo - from, hi - from),
    });
    // Pairs of row chunks, in row order: this thread fuses the first of each pair while the
    // worker fuses the second. Small chunks keep the shared buffers small (memory stays flat
    // as blocks grow); in row order, the first error met is the one fuseTo would throw.
    const rows = Math.min(chunkRows(block, per, chunkBytes), Math.ceil((to - from) / 2));
    for (let lo = from; lo < to; lo += 2 * rows) {
      const mid = Math.min(to, lo + rows);
      const hi = Math.min(to, mid + rows);
      if (mid === hi || broken) {
        fuseTo(blockRows(block, from, lo, hi), plan, into(lo, hi));
        continue;
      }
      const job = post(blockRows(block, from, mid, hi), plan, target.dtype, mid, hi, per);
      const t0 = performance.now();
      try {
        fuseTo(blockRows(block, from, lo, mid), plan, into(lo, mid));
      } finally {
        // The shared buffers are the worker's until it is done. It has as much to do as this
        // thread had (and, the first time, its start-up): far longer means it is gone.
        Atomics.wait(state, 0, RUNNING, WAIT_MS + 10 * (performance.now() - t0));
      }
      const s = Atomics.load(state, 0);
      if (s === RUNNING || s === FAILED) {
        // No rows from the worker: fuse them here (this throws the worker's error, with its details).
        if (s === RUNNING) {
          // A worker that never answered: end it, and never hand it these buffers again.
          broken = true;
          void close();
          input.buffer = new SharedArrayBuffer(0);
          output.buffer = new SharedArrayBuffer(0);
        }
        fuseTo(blockRows(block, from, mid, hi), plan, into(mid, hi));
        continue;
      }
      workerRows += hi - mid;
      kernel.set(sharedView(target.dtype, job.output, 0, (hi - mid) * per) as never, (mid - from) * per);
      bias.set(sharedView(target.dtype, job.output, job.biasOffset, hi - mid) as never, mid - from);
    }
    return { kernel, bias };
  };

  const close = async () => {
    const w = worker;
    worker = undefined;
    await w?.terminate();
  };
  return {
    fuse,
    close,
    get workerRows() {
      return workerRows;
    },
  };
}
