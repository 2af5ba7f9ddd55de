/** A field found anywhere in a protobuf message: its tag, length prefix (wire type 2) and value. */
export interface ScannedField {
  readonly number: number;
  readonly wire: number;
  /** First byte of the tag. */
  readonly start: number;
  /** First byte of the length prefix (wire type 2), else of the value. */
  readonly lengthStart: number;
  readonly valueStart: number;
  readonly end: number;
  /** The length-delimited fields this one lies inside, outermost first. */
  readonly parents: readonly ScannedField[];
}

function readVarint(bytes: Uint8Array, pos: number): { value: number; end: number } | undefined {
  let value = 0;
  for (let shift = 1, p = pos; p < bytes.length && p < pos + 10; shift *= 128, p++) {
    const b = bytes[p]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return { value, end: p + 1 };
  }
  return undefined;
}

/** The fields of bytes[from, to) if they parse as a message exactly, else undefined. */
function scanMessage(
  bytes: Uint8Array,
  from: number,
  to: number,
  parents: readonly ScannedField[],
): ScannedField[] | undefined {
  const out: ScannedField[] = [];
  let pos = from;
  while (pos < to) {
    const tag = readVarint(bytes, pos);
    if (tag === undefined || tag.end > to) return undefined;
    const wire = tag.value % 8;
    const number = Math.floor(tag.value / 8);
    if (number === 0) return undefined;
    let lengthStart = tag.end;
    let valueStart = tag.end;
    let end: number;
    if (wire === 0) {
      const v = readVarint(bytes, tag.end);
      if (v === undefined) return undefined;
      end = v.end;
    } else if (wire === 1) end = tag.end + 8;
    else if (wire === 5) end = tag.end + 4;
    else if (wire === 2) {
      const n = readVarint(bytes, tag.end);
      if (n === undefined) return undefined;
      lengthStart = tag.end;
      valueStart = n.end;
      end = n.end + n.value;
    } else return undefined;
    if (end > to) return undefined;
    out.push({ number, wire, start: pos, lengthStart, valueStart, end, parents });
    pos = end;
  }
  return out;
}

/**
 * Every field of a protobuf message at every depth: length-delimited values
 * that parse as a message are scanned too (strings and packed data that
 * happen to parse are included; harmless for mutation). Capped at `limit`
 * fields so that a large model stays cheap.
 */
export function scanProtobuf(bytes: Uint8Array, limit = 20_000): ScannedField[] {
  const all: ScannedField[] = [];
  const queue: Array<{ from: number; to: number; parents: readonly ScannedField[] }> = [
    { from: 0, to: bytes.length, parents: [] },
  ];
  while (queue.length > 0 && all.length < limit) {
    const { from, to, parents } = queue.shift()!;
    const fields = scanMessage(bytes, from, to, parents);
    if (fields === undefined) continue;
    for (const f of fields) {
      all.push(f);
      // Large values are tensor data, not messages.
      if (f.wire === 2 && f.end - f.valueStart > 1 && f.end - f.valueStart < 1 << 16)
        queue.push({ from: f.valueStart, to: f.end, parents: [...parents, f] });
    }
  }
  return all;
}

/** A varint's bytes, for any non-negative value below 2^64 (larger ones wrap, as a 10-byte varint would). */
export function encodeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/**
 * Replaces bytes[from, to) with `insert`; when `framed`, every enclosing
 * length prefix in `parents` is rewritten so that the message still frames
 * (the change then reaches the decoder's semantic checks instead of its
 * framing checks).
 */
export function splice(
  bytes: Uint8Array,
  from: number,
  to: number,
  insert: Uint8Array,
  parents: readonly ScannedField[],
  framed: boolean,
): Uint8Array {
  const out = concat(bytes.subarray(0, from), insert, bytes.subarray(to));
  return framed ? reframe(out, parents, insert.length - (to - from)) : out;
}

/** Rewrites the length prefixes of `parents` (innermost first) for a change of `delta` bytes inside them; prefixes lie before the change, so none moves another. */
function reframe(bytes: Uint8Array, parents: readonly ScannedField[], delta: number): Uint8Array {
  if (parents.length === 0) return bytes;
  const p = parents[parents.length - 1]!;
  const prefix = encodeVarint(BigInt(p.end - p.valueStart + delta));
  const before = p.valueStart - p.lengthStart;
  const out = concat(bytes.subarray(0, p.lengthStart), prefix, bytes.subarray(p.valueStart));
  return reframe(out, parents.slice(0, -1), delta + prefix.length - before);
}

/** The bytes of several arrays back to back. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
