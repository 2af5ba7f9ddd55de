let tables: Uint32Array[] | undefined;

/** Slicing-by-8 tables: `t[0]` the bytewise table, `t[k][n]` the CRC of byte n followed by k zero bytes. */
function crcTables(): Uint32Array[] {
  if (tables === undefined) {
    const t = Array.from({ length: 8 }, () => new Uint32Array(256));
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[0]![n] = c >>> 0;
    }
    for (let n = 0; n < 256; n++)
      for (let k = 1; k < 8; k++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
    tables = t;
  }
  return tables;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** CRC-32 (zip's, polynomial 0xedb88320) of `bytes`, continuing from `crc` (0 to start); eight bytes a step. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables() as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  // Bytewise up to a 4-byte boundary, then two 32-bit words a step (little-endian hosts), then the tail bytewise.
  for (; i < n && (bytes.byteOffset + i) % 4 !== 0; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  if (littleEndian) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (n - i) >>> 2);
    const end = words.length & ~1;
    for (let w = 0; w < end; w += 2) {
      const lo = c ^ words[w]!;
      const hi = words[w + 1]!;
      c =
        t7[lo & 0xff]! ^
        t6[(lo >>> 8) & 0xff]! ^
        t5[(lo >>> 16) & 0xff]! ^
        t4[lo >>> 24]! ^
        t3[hi & 0xff]! ^
        t2[(hi >>> 8) & 0xff]! ^
        t1[(hi >>> 16) & 0xff]! ^
        t0[hi >>> 24]!;
    }
    i += end * 4;
  }
  for (; i < n; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
