// Just enough of the protobuf wire format to splice bytes into a message
// that @bufbuild/protobuf encoded (the adapter's streamed output, and the
// model generators in tools/models).

/** Bytes of `value` (a non-negative safe integer) as a varint. */
export function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Length of {@link varint}(value). */
export function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** A top-level field of a message: its number, and where its tag, its value and its end are. */
export interface WireField {
  readonly number: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

/**
 * Walks the top-level fields of `bytes` in order (wire types 0, 1, 2 and 5:
 * the known fields of ONNX messages) until `visit` returns false.
 */
function walkFields(bytes: Uint8Array, visit: (field: WireField, wire: number) => boolean): void {
  let pos = 0;
  const read = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 0x80) {
      const b = bytes[pos++];
      if (b === undefined) throw new RangeError("truncated varint");
      value += (b & 0x7f) * shift;
      if (b < 0x80) return value;
    }
  };
  while (pos < bytes.byteLength) {
    const start = pos;
    const tag = read();
    const wire = tag % 8;
    let valueStart = pos;
    if (wire === 0) read();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = read();
      valueStart = pos;
      pos += length;
    } else throw new RangeError(`unexpected wire type ${wire}`);
    if (!visit({ number: Math.floor(tag / 8), start, valueStart, end: pos }, wire)) return;
  }
}

/** Every top-level field of `bytes`, in order (for messages without groups). */
export function wireFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  walkFields(bytes, (f) => (fields.push(f), true));
  return fields;
}

/**
 * The first `count` length-delimited fields numbered `number` among the
 * top-level fields of `bytes`, in order. The walk stops there, so it never
 * reaches the unknown fields an encoder writes last: it meets only the
 * known fields of ONNX messages, which use wire types 0, 1, 2 and 5.
 */
export function findFields(bytes: Uint8Array, number: number, count: number): WireField[] {
  const found: WireField[] = [];
  walkFields(bytes, (f, wire) => {
    if (f.number === number && wire === 2) found.push(f);
    return found.length < count;
  });
  if (found.length < count) throw new RangeError(`field ${number}: ${found.length} of ${count} found`);
  return found;
}
