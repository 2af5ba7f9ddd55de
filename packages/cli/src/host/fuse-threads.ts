import { parallelFuser, type ParallelFuser } from "@reparam/core/node";

let workerUrl: URL | undefined;

/** Where the bundled command's fuse worker is (bin.ts says so before anything runs); unset from sources. */
export function setFuseWorker(url: URL): void {
  workerUrl = url;
}

/**
 * `--threads` by default: 1. Since fusion's loops run in WebAssembly SIMD, a
 * second fusing thread no longer pays: on a 2-core VM, DBB-A0 converts in
 * 0.85-1.06 s on one thread and 1.04-1.30 s on two, with 100-120 MiB more
 * peak RSS (the worker's heap and module memory); RepVGG-B3 is the same
 * either way. The second core still works: the file reads and writes run on
 * libuv's threads while the main thread fuses.
 */
export const DEFAULT_THREADS = 1;

/**
 * The fuser of `--threads n`: with 2, large blocks are fused half on a worker
 * thread (same bytes: core's `parallelFuser`); with 1, none (core's own).
 */
export function fuserFor(threads: number): ParallelFuser | undefined {
  if (threads < 2) return undefined;
  return parallelFuser(workerUrl === undefined ? {} : { workerUrl });
}
