import { type Draw, hostileCount } from "./draw.js";
import { mainBytes, withFile } from "./model-files.js";
import type { Mutator } from "./mutator.js";
import { intOp, legacyPickles, spliceBytes } from "./pickle-site.js";
import { concat } from "./protobuf-scan.js";

/** The storage records after a legacy file's pickles (a u64 element count, then the elements). */
interface StorageRecord {
  readonly at: number;
  readonly end: number;
}

/**
 * Finds the storage records from `at` to the end of the file, guessing each
 * one's element size (4, 2, 8 or 1 bytes) as the one after which the next
 * record's count still fits the file: the records carry no dtype.
 */
function storageRecords(b: Uint8Array, at: number): StorageRecord[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = (p: number) => (p + 8 <= b.length ? Number(v.getBigUint64(p, true)) : Number.POSITIVE_INFINITY);
  const out: StorageRecord[] = [];
  let p = at;
  while (p < b.length) {
    const n = count(p);
    const size = [4, 2, 8, 1].find((s) => {
      const next = p + 8 + n * s;
      return next === b.length || (next < b.length && next + 8 + count(next) <= b.length);
    });
    if (size === undefined) break;
    out.push({ at: p, end: p + 8 + n * size });
    p += 8 + n * size;
  }
  return out;
}

/** Edits the main file of a legacy-layout model; not applicable to a zip archive or a file whose header pickles a mutation broke. */
function onLegacy(
  name: string,
  edit: (b: Uint8Array, pickles: Array<{ start: number; end: number }>, d: Draw) => [Uint8Array, string] | undefined,
): Mutator {
  return {
    name,
    apply(model, d) {
      const bytes = mainBytes(model);
      const pickles = bytes[0] === 0x80 ? legacyPickles(bytes) : [];
      const r = pickles.length === 5 ? edit(bytes, pickles, d) : undefined;
      return r === undefined ? undefined : { model: withFile(model, model.name, r[0]), note: r[1] };
    },
  };
}

/** Mutations of the legacy layout: the magic number, the protocol version, the byte order, the storage records. */
export const torchLegacyMutators: readonly Mutator[] = [
  onLegacy("legacy-magic", (b, [magic], d) => {
    const at = d.below(magic!.end);
    const out = b.slice();
    out[at] = d.chance(0.5) ? d.below(256) : out[at]! ^ 1;
    return [out, `magic pickle byte ${at} ${b[at]} -> ${out[at]}`];
  }),
  onLegacy("legacy-protocol", (b, [, protocol], d) => {
    const v = d.pick([1000n, 1002n, 0n, -1n, 1001n + 2n ** 32n, 1001n + 2n ** 64n, hostileCount(d, 1001)]);
    const pickle = concat(Uint8Array.of(0x80, 0x02), intOp(v), Uint8Array.of(0x2e));
    return [spliceBytes(b, protocol!.start, protocol!.end, pickle), `protocol -> ${v}`];
  }),
  onLegacy("legacy-byte-order", (b, [, , sys], d) => {
    const flags: number[] = [];
    for (let i = sys!.start; i < sys!.end; i++) if (b[i] === 0x88 || b[i] === 0x89) flags.push(i);
    if (flags.length === 0) return undefined;
    const at = d.pick(flags);
    const v = d.pick([0x88, 0x89, 0x4e]);
    return [spliceBytes(b, at, at + 1, Uint8Array.of(v)), `sys info flag at ${at} -> 0x${v.toString(16)}`];
  }),
  onLegacy("legacy-storages", (b, pickles, d) => {
    const records = storageRecords(b, pickles[4]!.end);
    if (records.length === 0) return undefined;
    const r = d.pick(records);
    const op = d.below(4);
    if (op === 0) {
      const out = b.slice();
      const was = Number(new DataView(out.buffer).getBigUint64(r.at, true));
      const n = hostileCount(d, was);
      new DataView(out.buffer).setBigUint64(r.at, BigInt.asUintN(64, n), true);
      return [out, `storage record at ${r.at}: count ${was} -> ${n}`];
    }
    if (op === 1) return [spliceBytes(b, r.at, r.end, new Uint8Array(0)), `storage record at ${r.at} removed`];
    if (op === 2) {
      const s = d.pick(records);
      if (s.at <= r.at) return [spliceBytes(b, r.at, r.at, b.slice(s.at, s.end)), `storage record at ${s.at} repeated`];
      const [x, y] = [b.subarray(r.at, r.end), b.subarray(s.at, s.end)];
      return [
        concat(b.subarray(0, r.at), y, b.subarray(r.end, s.at), x, b.subarray(s.end)),
        `records ${r.at}, ${s.at} swapped`,
      ];
    }
    const at = r.at + d.below(r.end - r.at);
    return [b.slice(0, at), `cut at ${at}, inside the storage record at ${r.at}`];
  }),
];
