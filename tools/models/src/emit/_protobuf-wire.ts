// Just enough of the protobuf wire format to splice length-delimited fields
// into an already encoded message (see encodeOnnxStream).

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

/** A top-level field of a message: its number and where its tag, value and end are. */
export interface WireField {
  readonly number: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

/** The top-level fields of `bytes`, in order (wire types 0, 1, 2 and 5; this tool writes no groups). */
export function wireFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const read = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 0x80) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error("truncated varint");
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
    } else throw new Error(`unsupported wire type ${wire}`);
    fields.push({ number: Math.floor(tag / 8), start, valueStart, end: pos });
  }
  return fields;
}
