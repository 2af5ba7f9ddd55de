import { availableParallelism } from "node:os";
import { parallelFuser, type ParallelFuser } from "@reparam/core/node";

let workerUrl: URL | undefined;

/** Where the bundled command's fuse worker is (bin.ts says so before anything runs); unset from sources. */
export function setFuseWorker(url: URL): void {
  workerUrl = url;
}

/** `--threads` by default: 2 where the machine has two cores or more, else 1. */
export const defaultThreads = (): number => Math.min(2, availableParallelism());

/**
 * The fuser of `--threads n`: with 2, large blocks are fused half on a worker
 * thread (same bytes: core's `parallelFuser`); with 1, none (core's own).
 */
export function fuserFor(threads: number): ParallelFuser | undefined {
  if (threads < 2) return undefined;
  return parallelFuser(workerUrl === undefined ? {} : { workerUrl });
}
