// Minimal protobuf wire surgery for tests, independent of @bufbuild/protobuf.

/** One top-level field of a message: its number, wire type, and byte ranges. */
export interface WireField {
  no: number;
  wire: number;
  start: number;
  bodyStart: number;
  end: number;
}

function varint(b: Uint8Array, pos: number): [number, number] {
  let v = 0;
  for (let i = 0; ; i++) {
    const byte = b[pos + i]!;
    v += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return [v, pos + i + 1];
  }
}

/** The top-level fields of a message (no groups). */
export function wireFields(b: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < b.byteLength) {
    const start = pos;
    const [tag, p] = varint(b, pos);
    const wire = tag % 8;
    let bodyStart = p;
    if (wire === 0) pos = varint(b, p)[1];
    else if (wire === 1) pos = p + 8;
    else if (wire === 5) pos = p + 4;
    else if (wire === 2) {
      const [len, q] = varint(b, p);
      bodyStart = q;
      pos = q + len;
    } else throw new Error(`wire type ${wire}`);
    out.push({ no: Math.floor(tag / 8), wire, start, bodyStart, end: pos });
  }
  return out;
}

export function encodeVarint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80);
  return [...out, v];
}

/** A length-delimited field `no` with `body`. */
export function lenField(no: number, body: Uint8Array): Uint8Array {
  return new Uint8Array([...encodeVarint(no * 8 + 2), ...encodeVarint(body.byteLength), ...body]);
}

/** `b` with the body of the first field `no` replaced by `edit(body)`. */
export function editField(b: Uint8Array, no: number, edit: (body: Uint8Array) => Uint8Array): Uint8Array {
  const f = wireFields(b).find((x) => x.no === no && x.wire === 2);
  if (f === undefined) throw new Error(`no field ${no}`);
  const replaced = lenField(no, edit(b.subarray(f.bodyStart, f.end)));
  return new Uint8Array([...b.subarray(0, f.start), ...replaced, ...b.subarray(f.end)]);
}
