import type { PickleCursor } from "./_pickle-cursor.js";
import { decodeLong, parseFloatLine, parseIntLine } from "./_pickle-numbers.js";
import type { PyValue } from "./py-value.js";

/** The ints 0-255 as bigints, made once (BININT1 is most of a pickle's ints). */
const SMALL = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** What {@link readScalar} returns for an opcode that does not push a constant. */
export const NOT_SCALAR = Symbol("not a scalar opcode");

/**
 * The constant an opcode pushes, its operand read from `c`: None, bools,
 * ints (as bigint), floats, text and bytes of every protocol; or
 * {@link NOT_SCALAR} for any other opcode (nothing read).
 */
export function readScalar(op: number, c: PickleCursor, where: string): PyValue | typeof NOT_SCALAR {
  switch (op) {
    case 0x4e: // NONE
      return null;
    case 0x88: // NEWTRUE
    case 0x89: // NEWFALSE
      return op === 0x88;
    case 0x49: // INT (text; "01"/"00" are bools)
      return parseIntLine(c.line(), where);
    case 0x4c: // LONG (text)
      return parseIntLine(c.line().replace(/L$/, ""), where);
    case 0x4a: // BININT
      return BigInt(c.i32());
    case 0x4b: // BININT1
      return SMALL[c.u8()]!;
    case 0x4d: // BININT2
      return BigInt(c.u16());
    case 0x8a: // LONG1
      return decodeLong(c.take(c.u8()), where);
    case 0x8b: // LONG4
      return decodeLong(c.take(c.u32()), where);
    case 0x46: // FLOAT (text)
      return parseFloatLine(c.line(), where);
    case 0x47: // BINFLOAT (big-endian)
      return c.f64be();
    case 0x53: // STRING (protocol 0 repr): kept as text
      return c.line().replace(/^(['"])(.*)\1$/s, "$2");
    case 0x54: // BINSTRING
      return c.latin1(c.take(c.u32()));
    case 0x55: // SHORT_BINSTRING
      return c.latin1(c.take(c.u8()));
    case 0x56: // UNICODE (raw-unicode-escape; plain text in practice)
      return c.line();
    case 0x58: // BINUNICODE
      return c.utf8(c.u32());
    case 0x8c: // SHORT_BINUNICODE
      return c.utf8(c.u8());
    case 0x8d: // BINUNICODE8
      return c.utf8(c.u64());
    case 0x42: // BINBYTES
      return c.take(c.u32()).slice();
    case 0x43: // SHORT_BINBYTES
      return c.take(c.u8()).slice();
    case 0x8e: // BINBYTES8
    case 0x96: // BYTEARRAY8
      return c.take(c.u64()).slice();
    default:
      return NOT_SCALAR;
  }
}
