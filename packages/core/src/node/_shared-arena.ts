/**
 * A SharedArrayBuffer reused from call to call, grown when a call needs more:
 * its memory is touched once, not once per block (on cloud VMs the first
 * touch of fresh memory costs about 3 ms per MB, more than the copy).
 */
export class SharedArena {
  buffer = new SharedArrayBuffer(0);

  /** The buffer, at least `bytes` long (a new one when it was shorter: what it held is gone). */
  reserve(bytes: number): SharedArrayBuffer {
    if (this.buffer.byteLength < bytes)
      this.buffer = new SharedArrayBuffer(Math.max(bytes, 2 * this.buffer.byteLength));
    return this.buffer;
  }
}

/** A typed array moved into an arena: its constructor's name, where it starts and how many values. */
export interface PackedArray {
  readonly $packed: "Float32Array" | "Float64Array" | "Uint16Array" | "Int32Array" | "Uint8Array";
  readonly offset: number;
  readonly length: number;
}

const CTORS = { Float32Array, Float64Array, Uint16Array, Int32Array, Uint8Array } as const;
type Typed = InstanceType<(typeof CTORS)[keyof typeof CTORS]>;

const isTyped = (v: unknown): v is Typed =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && v.constructor.name in CTORS;
const align8 = (n: number) => (n + 7) & ~7;

/** Every typed array reachable from `value` (plain objects and arrays), in the order {@link pack} visits them. */
function typedArrays(value: unknown, out: Typed[]): Typed[] {
  if (isTyped(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) typedArrays(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) typedArrays(v, out);
  return out;
}

/**
 * `value` with every typed array copied into `arena` (only its own values,
 * never the rest of the buffer it views) and replaced by a
 * {@link PackedArray}: what a worker rebuilds with {@link unpack}. Plain
 * objects, arrays and primitives only, as structured clone would take them.
 */
export function pack(
  value: unknown,
  arena: SharedArena,
): { readonly value: unknown; readonly buffer: SharedArrayBuffer } {
  const arrays = typedArrays(value, []);
  const bytes = arrays.reduce((n, a) => n + align8(a.byteLength), 0);
  const buffer = arena.reserve(bytes);
  const at = new Map<Typed, PackedArray>();
  let offset = 0;
  for (const a of arrays) {
    if (at.has(a)) continue;
    const name = a.constructor.name as PackedArray["$packed"];
    new (CTORS[name] as new (b: SharedArrayBuffer, o: number, n: number) => Typed)(buffer, offset, a.length).set(
      a as never,
    );
    at.set(a, { $packed: name, offset, length: a.length });
    offset += align8(a.byteLength);
  }
  const swap = (v: unknown): unknown => {
    if (isTyped(v)) return at.get(v);
    if (Array.isArray(v)) return v.map(swap);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return { value: swap(value), buffer };
}

/** {@link pack}'s value with each {@link PackedArray} turned back into a typed array viewing `buffer`. */
export function unpack(value: unknown, buffer: SharedArrayBuffer): unknown {
  if (Array.isArray(value)) return value.map((v) => unpack(v, buffer));
  if (value === null || typeof value !== "object") return value;
  const p = value as Partial<PackedArray>;
  if (typeof p.$packed === "string") {
    const ctor = CTORS[p.$packed] as new (b: SharedArrayBuffer, o: number, n: number) => Typed;
    return new ctor(buffer, p.offset!, p.length!);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unpack(v, buffer)]));
}
