import { type ByteSink, ReparamError } from "@reparam/core";
import { type SafetensorsPlan, type SafetensorsTensorSpec, planSafetensors } from "../write/plan-safetensors.js";
import type { TensorInfo } from "./tensor-info.js";

/**
 * A tensor to write: its bytes (little-endian, row-major, packed) either now
 * or as a function called once, when its turn comes, so that a large output
 * never holds more than one tensor's bytes. The function may also give the
 * bytes as consecutive chunks (an async iterable), so that not even one
 * tensor is held whole.
 */
export interface SafetensorsEntry extends SafetensorsTensorSpec {
  readonly data: Uint8Array | (() => Promise<Uint8Array | AsyncIterable<Uint8Array>>);
}

/** Options of {@link encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /** `__metadata__` (string to string); omitted from the header when undefined. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * Writes a safetensors file to `sink`: the header first (computed from names,
 * dtypes and shapes alone, see {@link planSafetensors} for the exact layout,
 * which is the reference writer's), then each tensor's bytes in file order.
 * Bytes given up front are all checked before anything is written; bytes
 * from a function are checked when it returns.
 *
 * @returns the plan that was written (offsets, sizes).
 * @throws ReparamError `SAFETENSORS_SIZE_MISMATCH` when a tensor's bytes are
 *   not product(shape) * dtype size long (for chunks: as soon as they run
 *   past it, or at the end), and the errors of {@link planSafetensors}.
 */
export async function encodeSafetensors(
  entries: Iterable<SafetensorsEntry>,
  options: EncodeSafetensorsOptions,
  sink: ByteSink,
): Promise<SafetensorsPlan> {
  const list = [...entries];
  const plan = planSafetensors(list, options.metadata);
  const byName = new Map(list.map((e) => [e.name, e]));
  for (const t of plan.tensors) {
    const data = (byName.get(t.name) as SafetensorsEntry).data;
    if (typeof data !== "function") checkLength(t, data);
  }
  await sink.write(plan.header);
  for (const t of plan.tensors) {
    const data = (byName.get(t.name) as SafetensorsEntry).data;
    const bytes = typeof data === "function" ? await data() : data;
    if (
      bytes instanceof Uint8Array ||
      typeof (bytes as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== "function"
    ) {
      checkLength(t, bytes);
      if (bytes.byteLength > 0) await sink.write(bytes);
      continue;
    }
    let written = 0;
    for await (const chunk of bytes) {
      if (!(chunk instanceof Uint8Array)) throw sizeError(t, `a chunk that is not a Uint8Array (${typeof chunk})`);
      written += chunk.byteLength;
      if (written > t.end - t.begin) throw sizeError(t, `chunks of more bytes (${written} so far)`);
      if (chunk.byteLength > 0) await sink.write(chunk);
    }
    if (written !== t.end - t.begin) throw sizeError(t, `chunks of ${written} bytes`);
  }
  return plan;
}

/**
 * {@link encodeSafetensors} into one `Uint8Array` of exactly the file's size
 * (allocated once, no intermediate chunks kept).
 */
export async function encodeSafetensorsBytes(
  entries: Iterable<SafetensorsEntry>,
  options: EncodeSafetensorsOptions = {},
): Promise<Uint8Array> {
  const list = [...entries];
  // Planned twice (here for the size, then to write): cheap next to the bytes.
  const out = new Uint8Array(planSafetensors(list, options.metadata).fileSize);
  let offset = 0;
  await encodeSafetensors(list, options, {
    write(chunk) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
      return Promise.resolve();
    },
  });
  return out;
}

function sizeError(t: TensorInfo, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_SIZE_MISMATCH", "tensor data has the wrong length", {
    where: `tensor ${JSON.stringify(t.name)}`,
    expected: `${t.end - t.begin} bytes (${t.dtype} [${t.shape.join(",")}])`,
    found,
  });
}

function checkLength(t: TensorInfo, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw sizeError(t, `not a Uint8Array (${typeof bytes})`);
  if (bytes.byteLength !== t.end - t.begin) throw sizeError(t, `${bytes.byteLength} bytes`);
}
