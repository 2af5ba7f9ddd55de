import { type Mutator, pickFile } from "./mutator.js";
import { withFile } from "./model-files.js";
import { concat } from "./protobuf-scan.js";

function onBytes(name: string, edit: (b: Uint8Array, d: import("./draw.js").Draw) => [Uint8Array, string]): Mutator {
  return {
    name,
    apply(model, d) {
      const path = pickFile(model, d);
      const bytes = model.files.get(path);
      if (bytes === undefined) return undefined;
      const [out, note] = edit(bytes, d);
      return { model: withFile(model, path, out), note: `${path}: ${note}` };
    },
  };
}

/** Format-blind mutations of one file's bytes: bit flips, bytes set, cuts, repeats, garbage. */
export const byteMutators: readonly Mutator[] = [
  onBytes("bit-flip", (b, d) => {
    const out = b.slice();
    const n = 1 + d.below(8);
    for (let i = 0; i < n && out.length > 0; i++) out[d.below(out.length)]! ^= 1 << d.below(8);
    return [out, `${n} bit flips`];
  }),
  onBytes("byte-set", (b, d) => {
    const out = b.slice();
    const at = d.below(out.length);
    const v = d.pick([0x00, 0xff, 0x7f, 0x80, 0x01, 0x20, 0x22, 0x7b]);
    const n = 1 + d.below(8);
    out.fill(v, at, Math.min(out.length, at + n));
    return [out, `${n} bytes at ${at} = ${v}`];
  }),
  onBytes("truncate", (b, d) => {
    const at = d.below(b.length + 1);
    return [b.slice(0, at), `cut at ${at} of ${b.length}`];
  }),
  onBytes("delete-chunk", (b, d) => {
    const at = d.below(b.length);
    const n = 1 + d.below(64);
    return [concat(b.subarray(0, at), b.subarray(at + n)), `${n} bytes deleted at ${at}`];
  }),
  onBytes("repeat-chunk", (b, d) => {
    const at = d.below(b.length);
    const n = 1 + d.below(64);
    return [concat(b.subarray(0, at + n), b.subarray(at)), `${n} bytes repeated at ${at}`];
  }),
  onBytes("append", (b, d) => {
    const extra = Uint8Array.from({ length: 1 + d.below(16) }, () => d.below(256));
    return [concat(b, extra), `${extra.length} bytes appended`];
  }),
];
