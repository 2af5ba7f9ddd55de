import { type Draw, HOSTILE_PATHS, hostileCount } from "./draw.js";
import { mainBytes, withFile } from "./model-files.js";
import type { Mutator } from "./mutator.js";
import { type ScannedZip, buildZip, entryList, picklePath, scanZip } from "./torch-zip.js";

type Field = readonly [name: string, offset: number, size: 2 | 4];

const CENTRAL: readonly Field[] = [
  ["signature", 0, 4],
  ["flags", 8, 2],
  ["method", 10, 2],
  ["compressed size", 20, 4],
  ["size", 24, 4],
  ["name length", 28, 2],
  ["extra length", 30, 2],
  ["comment length", 32, 2],
  ["local header offset", 42, 4],
];
const LOCAL: readonly Field[] = [
  ["signature", 0, 4],
  ["flags", 6, 2],
  ["method", 8, 2],
  ["compressed size", 18, 4],
  ["size", 22, 4],
  ["name length", 26, 2],
  ["extra length", 28, 2],
];
const END: readonly Field[] = [
  ["signature", 0, 4],
  ["disk", 4, 2],
  ["directory disk", 6, 2],
  ["entries on disk", 8, 2],
  ["entries", 10, 2],
  ["directory size", 12, 4],
  ["directory offset", 16, 4],
  ["comment length", 20, 2],
];

/** Edits the main file of a zip-layout model; not applicable to other layouts or to an archive a mutation broke. */
function onZip(name: string, edit: (b: Uint8Array, zip: ScannedZip, d: Draw) => [Uint8Array, string]): Mutator {
  return {
    name,
    apply(model, d) {
      const bytes = mainBytes(model);
      const zip = scanZip(bytes);
      if (zip === undefined || zip.entries.length === 0) return undefined;
      const [out, note] = edit(bytes, zip, d);
      return { model: withFile(model, model.name, out), note };
    },
  };
}

/** Sets a field of the record at `at` to a hostile value (u32: the hostile counts; u16: 0, 1, 8, 0xffff or near). */
function setField(b: Uint8Array, at: number, [name, offset, size]: Field, d: Draw): [Uint8Array, string] {
  const out = b.slice();
  const v = new DataView(out.buffer);
  if (size === 4) {
    const n = Number(BigInt.asUintN(32, hostileCount(d, v.getUint32(at + offset, true))));
    v.setUint32(at + offset, n, true);
    return [out, `${name} ${b.length} at ${at} -> ${n}`];
  }
  const was = v.getUint16(at + offset, true);
  const n = d.pick([0, 1, 8, 0xffff, was + 1, Math.max(0, was - 1), was + 64]) & 0xffff;
  v.setUint16(at + offset, n, true);
  return [out, `${name} at ${at} ${was} -> ${n}`];
}

/** Byte order records (as latin1 bytes: "\xff" is not UTF-8). */
const BYTEORDERS = ["big", "little\n", "", "LITTLE", "littl", "little".repeat(20), "\xff\xfe"];

/** Zip-structure mutations of a `torch.save` archive: directory, local header and end record fields; entry names; entries removed, repeated, swapped, cut, reordered; byteorder and version records. */
export const torchZipMutators: readonly Mutator[] = [
  onZip("zip-central-field", (b, zip, d) => setField(b, d.pick(zip.entries).central, d.pick(CENTRAL), d)),
  onZip("zip-local-field", (b, zip, d) => setField(b, d.pick(zip.entries).local, d.pick(LOCAL), d)),
  onZip("zip-end-field", (b, zip, d) => setField(b, zip.end, d.pick(END), d)),
  onZip("zip-zip64", (_b, zip, d) => {
    const out = buildZip(entryList(zip), true);
    if (d.chance(0.25)) return [out, "written as zip64"];
    const v = new DataView(out.buffer);
    const locator = out.length - 22 - 20;
    const record = locator - 56;
    // Each entry's zip64 extra field (id, length, then size, compressed size, local header offset).
    const extras: number[] = [];
    for (let p = Number(v.getBigUint64(record + 48, true)); p < record; p += 46 + v.getUint16(p + 28, true) + 28)
      extras.push(p + 46 + v.getUint16(p + 28, true));
    const x = d.pick(extras);
    if (d.chance(0.15)) {
      const n = d.pick([0, 8, 16]);
      v.setUint16(x + 2, n, true);
      return [out, `zip64, an extra field of ${n} bytes`];
    }
    const [name, at] = d.pick<readonly [string, number]>([
      ["entries", record + 32],
      ["directory size", record + 40],
      ["directory offset", record + 48],
      ["end record offset", locator + 8],
      ["entry size", x + 4],
      ["entry compressed size", x + 12],
      ["entry local header offset", x + 20],
    ]);
    const was = v.getBigUint64(at, true);
    const n = BigInt.asUintN(64, hostileCount(d, Number(was)));
    v.setBigUint64(at, n, true);
    return [out, `zip64, ${name} ${was} -> ${n}`];
  }),
  onZip("zip-entry-name", (_b, zip, d) => {
    const entries = entryList(zip);
    const prefix = picklePath(zip)?.slice(0, -"data.pkl".length) ?? "archive/";
    const i = d.below(entries.length);
    const was = entries[i]![0];
    const name = d.pick([
      d.pick(HOSTILE_PATHS),
      "../x",
      `${prefix}../x`,
      d.pick(entries)[0],
      `${prefix}data.pkl`,
      "other/data.pkl",
      `${was}x`,
      was.toUpperCase(),
      `${prefix}data/${d.below(entries.length)}`,
      `other/data/${d.below(entries.length)}`,
      `${prefix}data/0/..`,
    ]);
    entries[i]![0] = name;
    return [buildZip(entries), `entry ${JSON.stringify(was)} renamed ${JSON.stringify(name)}`];
  }),
  onZip("zip-entries", (_b, zip, d) => {
    const entries = entryList(zip);
    const storages = entries.filter(([n]) => /\/data\/[^/]+$/.test(n));
    const pick = () => (storages.length > 0 && d.chance(0.5) ? d.pick(storages) : d.pick(entries));
    const prefix = picklePath(zip)?.slice(0, -"data.pkl".length) ?? "archive/";
    const op = d.below(7);
    const e = pick();
    const i = entries.indexOf(e);
    if (op === 0) entries.splice(i, 1);
    else if (op === 1) entries.splice(d.below(entries.length + 1), 0, [e[0], d.chance(0.5) ? e[1] : pick()[1]]);
    else if (op === 2) {
      const f = pick();
      [e[1], f[1]] = [f[1], e[1]];
    } else if (op === 3) e[1] = e[1].subarray(0, d.chance(0.5) ? d.below(e[1].length) : 4 * d.below(e[1].length / 4));
    else if (op === 4) entries.reverse();
    else {
      const record = op === 5 ? "byteorder" : "version";
      const text = op === 5 ? d.pick(BYTEORDERS) : d.pick(["3", "", "999999999999999999999", "\xff", "2\n", "\u0000"]);
      const at = entries.findIndex(([n]) => n === `${prefix}${record}`);
      if (at >= 0) entries.splice(at, 1);
      if (d.chance(0.8)) entries.push([`${prefix}${record}`, Uint8Array.from(text, (c) => c.charCodeAt(0))]);
      return [buildZip(entries), `${record} ${JSON.stringify(text)}`];
    }
    return [buildZip(entries), `entry ${JSON.stringify(e[0])} (op ${op})`];
  }),
];
