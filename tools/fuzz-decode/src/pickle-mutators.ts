import { encodeUtf8 } from "@reparam/core";
import { type Draw, HOSTILE_COUNTS, HOSTILE_PATHS, hostileCount } from "./draw.js";
import type { Mutator } from "./mutator.js";
import type { PickleOp } from "./pickle-scan.js";
import { type PickleSite, intOp, intValue, pickleSite, spliceBytes, textOp, textValue } from "./pickle-site.js";

/** Globals a pickle may name: code execution, torch's rebuild functions and storage types, classes nobody knows. */
const GLOBALS: ReadonlyArray<readonly [string, string]> = [
  ["os", "system"],
  ["posix", "system"],
  ["nt", "system"],
  ["builtins", "eval"],
  ["builtins", "exec"],
  ["builtins", "getattr"],
  ["__builtin__", "eval"],
  ["subprocess", "Popen"],
  ["_codecs", "encode"],
  ["copyreg", "_reconstructor"],
  ["numpy.core.multiarray", "_reconstruct"],
  ["torch", "load"],
  ["torch._utils", "_rebuild_tensor_v2"],
  ["torch._utils", "_rebuild_tensor"],
  ["torch._utils", "_rebuild_parameter"],
  ["torch._utils", "_rebuild_qtensor"],
  ["collections", "OrderedDict"],
  ["builtins", "set"],
  ["torch", "FloatStorage"],
  ["torch", "HalfStorage"],
  ["torch", "BFloat16Storage"],
  ["torch", "DoubleStorage"],
  ["torch", "LongStorage"],
  ["torch", "IntStorage"],
  ["torch", "ByteStorage"],
  ["torch", "BoolStorage"],
  ["torch", "ComplexFloatStorage"],
  ["torch.cuda", "FloatStorage"],
  ["torch", "Size"],
  ["torch", "Tensor"],
  ["torch.nn.modules.conv", "Conv2d"],
  ["__main__", "Net"],
  ["unknown.module", "Thing"],
  ["", ""],
];

/** Ints for sizes, strides, offsets and storage sizes: the hostile counts, negative ones, or near the value. */
function hostileInt(d: Draw, near: number): bigint {
  if (d.chance(0.25)) return d.pick([-1n, -2n, -(2n ** 31n), -(2n ** 63n), -(2n ** 64n)]);
  return d.chance(0.5) ? hostileCount(d, near) : d.pick(HOSTILE_COUNTS);
}

/** Edits one pickle of the model (see `pickleSite`); the edit gets the pickle's bytes and instructions. */
function onPickle(
  name: string,
  edit: (bytes: Uint8Array, ops: readonly PickleOp[], d: Draw) => [Uint8Array, string] | undefined,
): Mutator {
  return {
    name,
    apply(model, d) {
      const site: PickleSite | undefined = pickleSite(model, d);
      const r = site === undefined ? undefined : edit(site.bytes, site.ops, d);
      return r === undefined || site === undefined
        ? undefined
        : { model: site.put(r[0]), note: `${site.label}: ${r[1]}` };
    },
  };
}

/** One instruction whose opcode is in `codes` (any, for none). */
function pickOp(ops: readonly PickleOp[], d: Draw, codes?: readonly number[]): PickleOp | undefined {
  const some = codes === undefined ? ops : ops.filter((o) => codes.includes(o.op));
  return some.length === 0 ? undefined : d.pick(some);
}

const INTS = [0x4b, 0x4d, 0x4a, 0x8a];
const TEXTS = [0x8c, 0x58, 0x55, 0x54];
const MEMO = [0x71, 0x72, 0x68, 0x6a];
/** Every opcode of protocols 0-5, and a few that are none. */
const OPCODES = [
  ...Array.from({ length: 0x99 - 0x80 }, (_, i) => 0x80 + i),
  ...[..."()., 0123BCFGIJKLMNPQRSTUVXabcdeghijlopqrstu}"].map((c) => c.charCodeAt(0)),
  0x00,
  0xff,
];

/** Mutations of the pickle: opcodes, length fields, globals, memo indices, ints, strings, instructions removed or repeated, STOP. */
export const pickleMutators: readonly Mutator[] = [
  onPickle("pk-opcode", (b, ops, d) => {
    const o = pickOp(ops, d)!;
    const v = d.pick(OPCODES);
    return [
      spliceBytes(b, o.at, o.at + 1, Uint8Array.of(v)),
      `opcode at ${o.at} 0x${o.op.toString(16)} -> 0x${v.toString(16)}`,
    ];
  }),
  onPickle("pk-length", (b, ops, d) => {
    const o = ops.filter((x) => x.length !== undefined);
    const op = o.length === 0 ? undefined : d.pick(o);
    if (op?.length === undefined) return undefined;
    const { at, size } = op.length;
    const out = b.slice();
    const v = new DataView(out.buffer);
    const n = hostileCount(d, op.end - at - size);
    if (size === 1) v.setUint8(at, Number(BigInt.asUintN(8, n)));
    else if (size === 4) v.setUint32(at, Number(BigInt.asUintN(32, n)), true);
    else v.setBigUint64(at, BigInt.asUintN(64, n), true);
    return [out, `length of 0x${op.op.toString(16)} at ${op.at} -> ${n}`];
  }),
  onPickle("pk-global", (b, ops, d) => {
    const o = pickOp(ops, d, [0x63, 0x69]);
    if (o === undefined) return undefined;
    const [module, name] = d.pick(GLOBALS);
    const text = encodeUtf8(`${module}\n${name}\n`);
    return [spliceBytes(b, o.at + 1, o.end, text), `global at ${o.at} -> ${module} ${name}`];
  }),
  onPickle("pk-memo", (b, ops, d) => {
    const o = pickOp(ops, d, MEMO);
    if (o === undefined) return undefined;
    const used = ops.filter((x) => x.op === 0x71).map((x) => b[x.at + 1]!);
    const i = d.pick([d.pick(used.length > 0 ? used : [0]), used.length, 255, 256, 1000, 0xffffffff, 0]);
    const get = o.op === 0x68 || o.op === 0x6a;
    const code = i > 255 ? (get ? 0x6a : 0x72) : get ? 0x68 : 0x71;
    const op =
      i > 255 ? Uint8Array.of(code, i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, i >>> 24) : Uint8Array.of(code, i);
    return [spliceBytes(b, o.at, o.end, op), `${get ? "get" : "put"} at ${o.at} -> memo ${i}`];
  }),
  onPickle("pk-alias", (b, ops, d) => {
    // A constant replaced by a value stored before it: tensors, dicts and modules shared, cycles.
    const o = pickOp(ops, d, [...INTS, ...TEXTS, 0x4e, 0x88, 0x89, 0x47]);
    const puts = ops.filter((x) => (x.op === 0x71 || x.op === 0x72) && x.at < (o?.at ?? 0));
    if (o === undefined || puts.length === 0) return undefined;
    const put = d.pick(puts);
    const get =
      put.op === 0x71 ? Uint8Array.of(0x68, b[put.at + 1]!) : Uint8Array.of(0x6a, ...b.subarray(put.at + 1, put.end));
    return [spliceBytes(b, o.at, o.end, get), `0x${o.op.toString(16)} at ${o.at} -> the value stored at ${put.at}`];
  }),
  onPickle("pk-int", (b, ops, d) => {
    const o = pickOp(ops, d, INTS);
    if (o === undefined) return undefined;
    const n = hostileInt(d, intValue(b, o));
    return [spliceBytes(b, o.at, o.end, intOp(n)), `int at ${o.at} -> ${n}`];
  }),
  onPickle("pk-text", (b, ops, d) => {
    const o = pickOp(ops, d, TEXTS);
    if (o === undefined) return undefined;
    const others = ops.filter((x) => TEXTS.includes(x.op)).map((x) => textValue(b, x));
    const s = d.chance(0.6)
      ? d.pick(others)
      : d.pick([...HOSTILE_PATHS, "cuda:0", "module.", "weight", "a".repeat(300)]);
    return [spliceBytes(b, o.at, o.end, textOp(s)), `text at ${o.at} '${textValue(b, o)}' -> ${JSON.stringify(s)}`];
  }),
  onPickle("pk-remove", (b, ops, d) => {
    const o = pickOp(ops.slice(0, -1), d);
    if (o === undefined) return undefined;
    return [spliceBytes(b, o.at, o.end, new Uint8Array(0)), `instruction 0x${o.op.toString(16)} at ${o.at} removed`];
  }),
  onPickle("pk-repeat", (b, ops, d) => {
    const o = pickOp(ops.slice(0, -1), d)!;
    const to = d.pick(ops).at;
    return [
      spliceBytes(b, to, to, b.slice(o.at, o.end)),
      `instruction 0x${o.op.toString(16)} at ${o.at} copied to ${to}`,
    ];
  }),
  onPickle("pk-stop", (b, ops, d) => {
    const stop = ops.at(-1)!;
    const op = d.below(3);
    if (op === 0) return [b.subarray(0, stop.at), "STOP removed"];
    if (op === 1) {
      const at = d.pick(ops).at;
      return [spliceBytes(b, at, at, Uint8Array.of(0x2e)), `STOP inserted at ${at}`];
    }
    return [spliceBytes(b, b.length, b.length, Uint8Array.of(0x4e, 0x2e)), "a second value after STOP"];
  }),
];
