import { decodeModel, encodeModel, type ModelProto, type TensorProto } from "@reparam/onnx";
import { type Draw, HOSTILE_COUNTS, HOSTILE_PATHS, hostileCount } from "./draw.js";
import { type ModelFiles, mainBytes, withFile } from "./model-files.js";
import type { Mutator } from "./mutator.js";
import { encodeVarint, scanProtobuf, splice } from "./protobuf-scan.js";

/** Signed 64-bit views of the hostile counts (-1, -2^63 ...), as ONNX's int64 fields hold them. */
const asInt64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function onMain(name: string, edit: (bytes: Uint8Array, d: Draw) => [Uint8Array, string] | undefined): Mutator {
  return {
    name,
    apply(model, d) {
      const bytes = mainBytes(model);
      const r = edit(bytes, d);
      return r === undefined ? undefined : { model: withFile(model, model.name, r[0]), note: r[1] };
    },
  };
}

/** Decodes, edits and re-encodes the main file; not applicable when it no longer decodes. */
function onProto(name: string, edit: (m: ModelProto, d: Draw) => string | undefined): Mutator {
  return {
    name,
    apply(model: ModelFiles, d) {
      let proto: ModelProto;
      try {
        proto = decodeModel(mainBytes(model).slice());
      } catch {
        return undefined;
      }
      const note = edit(proto, d);
      return note === undefined ? undefined : { model: withFile(model, model.name, encodeModel(proto)), note };
    },
  };
}

function tensors(m: ModelProto): TensorProto[] {
  const g = m.graph;
  if (g === undefined) return [];
  const constants = g.node.flatMap((n) => n.attribute.flatMap((a) => (a.t === undefined ? [] : [a.t])));
  return [...g.initializer, ...constants];
}

/** Protobuf-aware mutations of an `.onnx` file: wire structure (tags, wire types, length prefixes) and meaning (dims, types, data, external data entries, attributes). */
export const onnxMutators: readonly Mutator[] = [
  onMain("pb-truncate-at-field", (b, d) => {
    const fields = scanProtobuf(b);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    const at = d.pick([f.start, f.lengthStart, f.valueStart, f.end, f.end - 1]);
    return [b.slice(0, at), `cut at ${at} (field ${f.number} boundary)`];
  }),
  onMain("pb-tag", (b, d) => {
    const fields = scanProtobuf(b);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    const number = d.chance(0.5) ? f.number : d.pick([0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 99, 2 ** 29 - 1]);
    const wire = d.chance(0.5) ? f.wire : d.below(8);
    const tag = encodeVarint(BigInt(number) * 8n + BigInt(wire));
    return [
      splice(b, f.start, f.lengthStart, tag, f.parents, d.chance(0.7)),
      `field ${f.number} tag -> ${number}:${wire}`,
    ];
  }),
  onMain("pb-length-prefix", (b, d) => {
    const fields = scanProtobuf(b).filter((f) => f.wire === 2);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    const v = hostileCount(d, f.end - f.valueStart);
    return [
      splice(b, f.lengthStart, f.valueStart, encodeVarint(v), f.parents, d.chance(0.5)),
      `field ${f.number} length ${f.end - f.valueStart} -> ${v}`,
    ];
  }),
  onMain("pb-varint-value", (b, d) => {
    const fields = scanProtobuf(b).filter((f) => f.wire === 0);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    const v = d.pick(HOSTILE_COUNTS);
    return [splice(b, f.valueStart, f.end, encodeVarint(v), f.parents, true), `field ${f.number} varint -> ${v}`];
  }),
  onMain("pb-delete-field", (b, d) => {
    const fields = scanProtobuf(b);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    return [splice(b, f.start, f.end, new Uint8Array(0), f.parents, true), `field ${f.number} at ${f.start} deleted`];
  }),
  onMain("pb-duplicate-field", (b, d) => {
    const fields = scanProtobuf(b);
    if (fields.length === 0) return undefined;
    const f = d.pick(fields);
    return [
      splice(b, f.end, f.end, b.slice(f.start, f.end), f.parents, true),
      `field ${f.number} at ${f.start} repeated`,
    ];
  }),
  onProto("onnx-dims", (m, d) => {
    const t = d.pick(tensors(m));
    if (t === undefined) return undefined;
    const dims = t.dims.map(BigInt);
    const op = d.below(4);
    if (op === 0 && dims.length > 0) dims[d.below(dims.length)] = asInt64(hostileCount(d, Number(dims[0])));
    else if (op === 1) dims.push(d.pick([0n, 1n, 2n, 2n ** 32n]));
    else if (op === 2) dims.pop();
    else dims.splice(0, dims.length, ...dims.map(() => d.pick([0n, 2n ** 21n, 2n ** 32n, -1n])));
    t.dims = dims as typeof t.dims;
    return `tensor '${t.name}' dims [${dims.join(", ")}]`;
  }),
  onProto("onnx-data-type", (m, d) => {
    const t = d.pick(tensors(m));
    if (t === undefined) return undefined;
    t.dataType = d.pick([0, 2, 3, 6, 7, 8, 9, 10, 11, 16, 17, 21, 22, 25, 26, 99, -1]);
    return `tensor '${t.name}' data_type ${t.dataType}`;
  }),
  onProto("onnx-raw-data", (m, d) => {
    const t = d.pick(tensors(m).filter((x) => x.rawData.length > 0));
    if (t === undefined) return undefined;
    const n = d.below(t.rawData.length + 8);
    const data = new Uint8Array(n);
    data.set(t.rawData.subarray(0, Math.min(n, t.rawData.length)));
    t.rawData = data;
    return `tensor '${t.name}' raw_data ${n} bytes`;
  }),
  onProto("onnx-external-entry", (m, d) => {
    const t = d.pick(tensors(m).filter((x) => x.externalData.length > 0));
    if (t === undefined) return undefined;
    const e = d.pick(t.externalData);
    const op = d.below(4);
    if (op === 0) {
      e.value = d.pick(HOSTILE_PATHS);
      if (d.chance(0.3)) e.key = "location";
    } else if (op === 1) {
      e.value = d.pick(["-1", "", " 1", "1e3", "0x10", "18446744073709551615", "9007199254740993", "4096", "0"]);
      e.key = d.pick(["offset", "length", e.key]);
    } else if (op === 2) t.externalData.splice(t.externalData.indexOf(e), 1);
    else t.externalData.push({ ...e });
    return `tensor '${t.name}' external_data ${e.key}=${JSON.stringify(e.value)} (op ${op})`;
  }),
  onProto("onnx-data-location", (m, d) => {
    const t = d.pick(tensors(m));
    if (t === undefined) return undefined;
    t.dataLocation = t.dataLocation === 1 ? 0 : 1;
    return `tensor '${t.name}' data_location ${t.dataLocation}`;
  }),
  onProto("onnx-attribute", (m, d) => {
    const attrs = m.graph?.node.flatMap((n) => n.attribute.filter((a) => a.ints.length > 0 || a.type === 2)) ?? [];
    const a = d.pick(attrs);
    if (a === undefined) return undefined;
    const v = d.pick([0n, -1n, 2n, 3n, 7n, 2n ** 31n, 2n ** 62n, -(2n ** 63n)]);
    if (a.ints.length > 0 && d.chance(0.8)) a.ints[d.below(a.ints.length)] = v;
    else if (a.ints.length > 0) a.ints.pop();
    else a.i = v;
    return `attribute '${a.name}' -> ${v}`;
  }),
  onProto("onnx-node-wiring", (m, d) => {
    const nodes = m.graph?.node ?? [];
    const n = d.pick(nodes);
    if (n === undefined) return undefined;
    const op = d.below(3);
    if (op === 0 && n.input.length > 0) n.input[d.below(n.input.length)] = d.pick(["", "nope", n.output[0] ?? ""]);
    else if (op === 1) n.opType = d.pick(["Conv", "Add", "BatchNormalization", "Identity", "Relu", "Unknown"]);
    else n.input.pop();
    return `node '${n.name}' rewired (op ${op})`;
  }),
];
