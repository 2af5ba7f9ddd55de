import { type BufferPool, type ByteSink, bufferPool } from "@reparam/core";

/**
 * The memory of fused kernel windows (written a few output channels at a
 * time): each window's rows are read into `reads`' buffers, given back once
 * fused, and each fused window lands in a buffer that the sink has let go of
 * (`ByteSink.flushed`), so that a large model's kernels cost a few windows of
 * memory, filled again and again, instead of fresh zeroed memory per window.
 * A buffer is filled again only once the chunk written two windows before is
 * known to be handed to the OS: the file writes one window while the next is
 * fused. With a sink that cannot say (`flushed` absent: an in-memory sink
 * keeps its chunks), every fused window gets fresh memory.
 */
export class WindowMemory {
  /** Buffers for kernel rows read from the input (given back by the reader once the window is fused). */
  readonly reads: BufferPool = bufferPool();
  private readonly writes: BufferPool = bufferPool();
  private flushed: (() => Promise<void>) | undefined;
  /** Chunks written to the current sink from `writes`' buffers, oldest first, with the promise that they are flushed once asked. */
  private queue: { bytes: Uint8Array; done?: Promise<void> }[] = [];

  /** The sink being written from now on (one file of the model). */
  attach(sink: ByteSink): void {
    this.flushed = sink.flushed?.bind(sink);
  }

  /** The sink was closed: every chunk it held is written, their buffers free. */
  detach(): void {
    this.flushed = undefined;
    this.writes.reuse(this.queue.map((q) => q.bytes));
    this.queue = [];
  }

  /** A buffer of `byteLength` bytes for the next fused window (old contents), or undefined: use fresh memory. */
  async take(byteLength: number): Promise<Uint8Array | undefined> {
    if (this.flushed === undefined) return undefined;
    const last = this.queue.at(-1);
    if (last !== undefined && last.done === undefined) {
      last.done = this.flushed();
      last.done.catch(() => undefined); // awaited below; a write error is raised there or by the sink
    }
    while (this.queue.length >= 2) {
      const oldest = this.queue.shift()!;
      await oldest.done;
      this.writes.reuse([oldest.bytes]);
    }
    return this.writes.take(byteLength);
  }

  /** `bytes` (in a buffer from {@link take}) is handed to the sink. */
  written(bytes: Uint8Array): void {
    if (this.flushed !== undefined) this.queue.push({ bytes });
  }
}
