/** One pickle instruction: its opcode, where it starts and ends, and where its length field is, if it has one. */
export interface PickleOp {
  readonly op: number;
  readonly at: number;
  /** One past its last operand byte. */
  readonly end: number;
  /** The length field of a counted operand (`BINUNICODE`, `BINBYTES`, `LONG1` ...): offset and size in bytes. */
  readonly length?: { readonly at: number; readonly size: 1 | 4 | 8 };
}

/** Operand bytes of the fixed-size opcodes. */
const FIXED = new Map([
  [0x80, 1], // PROTO
  [0x4b, 1], // BININT1
  [0x71, 1], // BINPUT
  [0x68, 1], // BINGET
  [0x82, 1], // EXT1
  [0x4d, 2], // BININT2
  [0x83, 2], // EXT2
  [0x4a, 4], // BININT
  [0x72, 4], // LONG_BINPUT
  [0x6a, 4], // LONG_BINGET
  [0x84, 4], // EXT4
  [0x95, 8], // FRAME
  [0x47, 8], // BINFLOAT
]);

/** Size of the length field of the counted opcodes. */
const COUNTED = new Map<number, 1 | 4 | 8>([
  [0x8c, 1], // SHORT_BINUNICODE
  [0x43, 1], // SHORT_BINBYTES
  [0x55, 1], // SHORT_BINSTRING
  [0x8a, 1], // LONG1
  [0x58, 4], // BINUNICODE
  [0x42, 4], // BINBYTES
  [0x54, 4], // BINSTRING
  [0x8b, 4], // LONG4
  [0x8d, 8], // BINUNICODE8
  [0x8e, 8], // BINBYTES8
  [0x96, 8], // BYTEARRAY8
]);

/** Opcodes whose operand is a newline-ended line (GLOBAL and INST: two lines). */
const LINES = new Map([
  [0x49, 1], // INT
  [0x4c, 1], // LONG
  [0x46, 1], // FLOAT
  [0x53, 1], // STRING
  [0x56, 1], // UNICODE
  [0x70, 1], // PUT
  [0x67, 1], // GET
  [0x50, 1], // PERSID
  [0x63, 2], // GLOBAL
  [0x69, 2], // INST
]);

function readLength(v: DataView, at: number, size: 1 | 4 | 8): number {
  if (size === 1) return v.getUint8(at);
  if (size === 4) return v.getUint32(at, true);
  const n = v.getBigUint64(at, true);
  return n > BigInt(v.byteLength) ? v.byteLength : Number(n);
}

/**
 * The instructions of the pickle that starts at `start`, up to and with its
 * `STOP`, by opcode table alone (nothing run). Undefined when the bytes end
 * inside an instruction or before a `STOP` (a mutation broke it already).
 */
export function scanPickle(bytes: Uint8Array, start = 0): PickleOp[] | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ops: PickleOp[] = [];
  let p = start;
  while (p < bytes.length) {
    const op = bytes[p]!;
    const at = p++;
    const fixed = FIXED.get(op);
    const counted = COUNTED.get(op);
    const lines = LINES.get(op);
    let length: PickleOp["length"];
    if (fixed !== undefined) p += fixed;
    else if (counted !== undefined) {
      if (p + counted > bytes.length) return undefined;
      length = { at: p, size: counted };
      p += counted + readLength(v, p, counted);
    } else if (lines !== undefined) {
      for (let i = 0; i < lines; i++) {
        const nl = bytes.indexOf(0x0a, p);
        if (nl < 0) return undefined;
        p = nl + 1;
      }
    }
    if (p > bytes.length) return undefined;
    ops.push(length === undefined ? { op, at, end: p } : { op, at, end: p, length });
    if (op === 0x2e) return ops;
  }
  return undefined;
}
