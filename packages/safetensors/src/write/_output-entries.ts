import { type Block, type FusePlan, fuseTo } from "@reparam/core";
import { type Fuse, type FusedDtype, fuseToBytes, fusedByteLength, fusedStorage } from "./_fuse-to-bytes.js";
import type { WindowMemory } from "./_window-memory.js";
import { biasBlock, rowBlock, rowChunkable } from "./_row-chunks.js";
import type { SafetensorsEntry } from "../codec/encode-safetensors.js";
import type { SafetensorsCandidate } from "../safetensors-candidate.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

/** A fused block to write. */
export interface FusedOutput {
  readonly candidate: SafetensorsCandidate;
  readonly plan: FusePlan;
  readonly dtype: FusedDtype;
  /** Reads the whole block (the decision's `load`). */
  readonly load: () => Promise<Block>;
  /** The decision's `fuse` (its plan; counted toward progress). */
  readonly fuse: Fuse;
}

/**
 * The keys the fused blocks replace: each block's `consumed`, except the
 * keys of a shared pre-BN (`BlockMatch.shared`) while some block that reads
 * them is not fused (it still needs them).
 */
function consumedKeys(fused: readonly FusedOutput[]): Set<string> {
  const done = new Set(fused.map((f) => f.candidate.match.deploy.weight));
  const keys = new Set<string>();
  for (const { candidate } of fused) {
    const { consumed, shared } = candidate.match;
    const keep = shared !== undefined && !shared.by.every((w) => done.has(w)) ? new Set(shared.keys) : undefined;
    for (const k of consumed) if (keep?.has(k) !== true) keys.add(k);
  }
  return keys;
}

/** An output tensor and the shard it goes to. */
export interface OutputEntry {
  readonly entry: SafetensorsEntry;
  readonly shard: string;
}

/**
 * The fused weight's bytes, `rows` output channels at a time: each window's
 * kernel rows read, fused, rounded, handed on; the next window's rows are
 * already being read while one is fused.
 */
async function* weightChunks(
  model: SafetensorsModel,
  f: FusedOutput,
  rows: number,
  memory: WindowMemory,
): AsyncGenerator<Uint8Array> {
  const [o, iPer, kh, kw] = f.plan.kernelShape;
  const per = iPer * kh * kw;
  const read = (o0: number) => {
    const pending = rowBlock(model, f.candidate, o0, Math.min(o, o0 + rows), memory.reads);
    pending.catch(() => undefined); // seen when awaited; never an unhandled rejection if the consumer stops first
    return pending;
  };
  let next = read(0);
  for (let o0 = 0; o0 < o; o0 += rows) {
    const block = await next;
    const o1 = Math.min(o, o0 + rows);
    if (o1 < o) next = read(o1);
    const n = (o1 - o0) * per;
    const into = await memory.take(fusedByteLength(f.dtype, n));
    const kernel = into === undefined ? undefined : fusedStorage(into, f.dtype, n);
    const { weight } = fuseToBytes(f.fuse, block, f.dtype, { from: o0, to: o1 }, kernel);
    memory.reads.reuse(block.branches.flatMap((b) => (b.kind === "conv" ? [b.kernel.data] : [])));
    memory.written(weight);
    yield weight;
  }
}

/**
 * The output tensors, each with the shard it goes to: every key no fused
 * block consumes, read from the input when the encoder reaches it; and each
 * fused block's deploy weight and bias, in the shard of the block's main
 * conv. A block without a DBB branch (see `rowChunkable`) whose fused kernel is larger than
 * `chunkBytes` (as float32) is computed and written a few output channels at
 * a time, its bias from a kernel-free copy; any other block is fused whole
 * when the first of its two tensors is reached (bias and weight are adjacent
 * in file order) and its bytes are kept for the other. `memory` holds the
 * windows' buffers (see {@link WindowMemory}).
 */
export function outputEntries(
  model: SafetensorsModel,
  fused: readonly FusedOutput[],
  chunkBytes: number,
  memory: WindowMemory,
): OutputEntry[] {
  const consumed = consumedKeys(fused);
  const out: OutputEntry[] = [];
  for (const t of model.tensors.values()) {
    if (consumed.has(t.name)) continue;
    out.push({
      entry: { name: t.name, dtype: t.dtype, shape: t.shape, data: () => model.read(t.name) },
      shard: model.shardOf(t.name).file,
    });
  }
  let last: { f: FusedOutput; bytes: { weight: Uint8Array; bias: Uint8Array } } | undefined;
  const whole = async (f: FusedOutput) => {
    if (last?.f !== f) {
      last = undefined; // let the previous block's bytes go before computing the next
      last = { f, bytes: fuseToBytes(f.fuse, await f.load(), f.dtype) };
    }
    return last.bytes;
  };
  for (const f of fused) {
    const { deploy, anchor, linear } = f.candidate.match;
    const shard = model.shardOf(anchor).file;
    const [o, iPer, kh, kw] = f.plan.kernelShape;
    const rows = Math.max(1, Math.floor(chunkBytes / (iPer * kh * kw * 4)));
    const chunked = rows < o && rowChunkable(f.candidate);
    const weight = chunked
      ? () => Promise.resolve(weightChunks(model, f, rows, memory))
      : async () => (await whole(f)).weight;
    const bias = chunked
      ? async () => {
          // A kernel-free copy of the block with its own plan: not the decision's fuse, so progress counts the weight's windows only.
          const { block, plan } = biasBlock(f.candidate.layout);
          return fuseToBytes((b, t) => fuseTo(b, plan, t), block, f.dtype).bias;
        }
      : async () => (await whole(f)).bias;
    // An nn.Linear's fused [O, I, 1, 1] kernel is its [O, I] weight, byte for byte.
    const shape = linear === true ? [o, iPer] : f.plan.kernelShape;
    out.push({ entry: { name: deploy.weight, dtype: f.dtype, shape, data: weight }, shard });
    out.push({ entry: { name: deploy.bias, dtype: f.dtype, shape: [o], data: bias }, shard });
  }
  return out;
}
