// A structural pass over protobuf bytes before @bufbuild/protobuf decodes
// them: that decoder trusts the wire type of a known field (a varint where a
// string belongs is silently misread) and reports only "premature EOF". This
// pass refuses such bytes and says where, by field path and byte offset.
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { ReparamError } from "@reparam/core";

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;
const MAX_DEPTH = 100; // @bufbuild/protobuf's default recursion limit

/**
 * Checks that `bytes` is well-formed protobuf for `desc`: every tag valid,
 * every known field with a wire type its declaration allows, every length
 * prefix and fixed-size value inside the bytes, packed arrays whole, groups
 * closed; recursing into message fields. Throws `ONNX_DECODE`.
 */
export function checkWire(bytes: Uint8Array, desc: DescMessage): void {
  walk(bytes, 0, bytes.byteLength, desc, desc.name, 0, undefined);
}

function fail(message: string, path: string, at: number, expected: string, found: string): never {
  throw new ReparamError("ONNX_DECODE", `malformed ONNX protobuf: ${message}`, {
    where: `${path} (byte ${at})`,
    expected,
    found,
  });
}

/** Reads a varint at `pos`; returns [value (exact up to 2^53), next position]. */
function varint(b: Uint8Array, pos: number, end: number, path: string): [number, number] {
  let value = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end)
      fail("truncated varint", path, pos, "a varint ending before the message ends", "the end of the bytes");
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return [value, pos + i + 1];
  }
  return fail("varint longer than 10 bytes", path, pos, "at most 10 bytes", "more");
}

const byNumber = new WeakMap<DescMessage, Map<number, DescField>>();
function fieldOf(desc: DescMessage, no: number): DescField | undefined {
  let map = byNumber.get(desc);
  if (map === undefined) byNumber.set(desc, (map = new Map(desc.fields.map((f) => [f.number, f]))));
  return map.get(no);
}

function scalarWire(t: ScalarType): number {
  if (t === ScalarType.DOUBLE || t === ScalarType.FIXED64 || t === ScalarType.SFIXED64) return I64;
  if (t === ScalarType.FLOAT || t === ScalarType.FIXED32 || t === ScalarType.SFIXED32) return I32;
  if (t === ScalarType.STRING || t === ScalarType.BYTES) return LEN;
  return VARINT;
}

/** Wire types a field may arrive with, and the element wire type when packed. */
function allowed(f: DescField): { wire: readonly number[]; packed?: number } {
  switch (f.fieldKind) {
    case "scalar":
      return { wire: [scalarWire(f.scalar)] };
    case "enum":
      return { wire: [VARINT] };
    case "message":
      return { wire: [f.delimitedEncoding ? SGROUP : LEN] };
    case "map":
      return { wire: [LEN] };
    case "list": {
      if (f.listKind === "message") return { wire: [f.delimitedEncoding ? SGROUP : LEN] };
      const el = f.listKind === "enum" ? VARINT : scalarWire(f.scalar);
      return el === LEN ? { wire: [LEN] } : { wire: [el, LEN], packed: el };
    }
  }
}

/** Walks fields in [pos, end); in a group (`group` = its field number) until the end-group tag. Returns the end. */
function walk(
  b: Uint8Array,
  pos: number,
  end: number,
  desc: DescMessage | undefined,
  path: string,
  depth: number,
  group: number | undefined,
): number {
  if (depth > MAX_DEPTH) fail("nesting too deep", path, pos, `at most ${MAX_DEPTH} nested messages`, "more");
  const seen = new Map<number, number>();
  while (pos < end) {
    const at = pos;
    const [tag, next] = varint(b, pos, end, path);
    pos = next;
    const no = Math.floor(tag / 8);
    const wt = tag % 8;
    if (no < 1 || no > 0x1fffffff) fail("invalid field number", path, at, "a field number in 1..2^29-1", `${no}`);
    const field = desc === undefined ? undefined : fieldOf(desc, no);
    const count = seen.get(no) ?? 0;
    seen.set(no, count + 1);
    const here =
      field === undefined
        ? `${path}.<unknown field ${no}>`
        : `${path}.${field.name}${field.fieldKind === "list" ? `[${count}]` : ""}`;
    const rule = field === undefined ? undefined : allowed(field);
    if (wt === EGROUP) {
      if (group === no) return pos;
      fail(
        "unexpected end-group tag",
        here,
        at,
        group === undefined ? "no end-group tag" : `end of group ${group}`,
        `end of group ${no}`,
      );
    }
    if (wt > I32) fail("invalid wire type", here, at, "wire type 0, 1, 2, 3 or 5", `wire type ${wt}`);
    if (rule !== undefined && !rule.wire.includes(wt)) {
      fail("wrong wire type for a known field", here, at, `wire type ${rule.wire.join(" or ")}`, `wire type ${wt}`);
    }
    if (wt === VARINT) pos = varint(b, pos, end, here)[1];
    else if (wt === I64 || wt === I32) {
      const size = wt === I64 ? 8 : 4;
      if (end - pos < size) fail("truncated fixed-size value", here, pos, `${size} bytes`, `${end - pos} bytes left`);
      pos += size;
    } else if (wt === LEN) {
      const [len, start] = varint(b, pos, end, here);
      if (len > end - start)
        fail("length prefix runs past the end", here, pos, `at most ${end - start} bytes`, `length ${len}`);
      pos = start + len;
      const sub = field?.fieldKind === "message" || field?.fieldKind === "list" ? field.message : undefined;
      if (sub !== undefined) walk(b, start, pos, sub, here, depth + 1, undefined);
      else if (rule?.packed !== undefined) checkPacked(b, start, pos, rule.packed, here);
    } else {
      const sub = field?.fieldKind === "message" || field?.fieldKind === "list" ? field.message : undefined;
      pos = walk(b, pos, end, sub, here, depth + 1, no);
    }
  }
  if (group !== undefined) fail("unterminated group", path, pos, `end of group ${group}`, "the end of the bytes");
  return pos;
}

function checkPacked(b: Uint8Array, pos: number, end: number, wire: number, path: string): void {
  if (wire === VARINT) {
    while (pos < end) pos = varint(b, pos, end, path)[1];
    return;
  }
  const size = wire === I64 ? 8 : 4;
  if ((end - pos) % size !== 0)
    fail(
      "packed array length is not a multiple of its element size",
      path,
      pos,
      `a multiple of ${size} bytes`,
      `${end - pos} bytes`,
    );
}
