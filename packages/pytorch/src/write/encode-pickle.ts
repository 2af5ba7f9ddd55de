import { ReparamError } from "@reparam/core";
import {
  PyDict,
  PyGlobal,
  PyInstance,
  PySet,
  PyTuple,
  type PyValue,
  TorchStorage,
  TorchTensor,
} from "../codec/pickle/py-value.js";
import { TORCH_DTYPES } from "../codec/torch-dtype.js";
import { PickleOut } from "./_pickle-out.js";

/** Deepest nesting written. */
const MAX_DEPTH = 500;
/** Items per `APPENDS`/`SETITEMS`, as Python's pickler batches them. */
const BATCH = 1000;
const [MARK, TUPLE, REDUCE, BUILD, APPENDS, SETITEMS] = [0x28, 0x74, 0x52, 0x62, 0x65, 0x75];

class PickleWriter {
  readonly out = new PickleOut();
  private readonly memo = new Map<object, number>();
  constructor(
    private readonly tensor: (t: TorchTensor) => TorchTensor,
    private readonly bareStorage: (s: TorchStorage) => TorchStorage,
  ) {}

  private readonly globals = new Map<string, number>();

  /** `GLOBAL module name`, memoized like Python's pickler does: once per name, then `LONG_BINGET`. */
  private global(module: string, name: string): void {
    const key = `${module}\n${name}`;
    const seen = this.globals.get(key);
    if (seen !== undefined) {
      this.out.byte(0x6a);
      this.out.u32(seen);
      return;
    }
    this.out.global(module, name);
    this.globals.set(key, this.memo.size);
    this.put({});
  }

  private put(v: object): void {
    this.memo.set(v, this.memo.size);
    this.out.byte(0x72); // LONG_BINPUT
    this.out.u32(this.memo.size - 1);
  }

  private items(list: readonly PyValue[], op: number, depth: number): void {
    for (let i = 0; i < list.length; i += BATCH) {
      this.out.byte(MARK);
      for (const v of list.slice(i, i + BATCH)) this.write(v, depth);
      this.out.byte(op);
    }
  }

  private tuple(list: readonly PyValue[], depth: number): void {
    this.out.byte(MARK);
    for (const v of list) this.write(v, depth);
    this.out.byte(TUPLE);
  }

  private orderedDict(): void {
    this.global("collections", "OrderedDict");
    this.out.byte(0x29, REDUCE); // EMPTY_TUPLE
  }

  private storage(s: TorchStorage): void {
    this.out.byte(MARK);
    this.out.str("storage");
    this.global("torch", TORCH_DTYPES[s.dtype].storage);
    this.out.str(s.key);
    this.out.str(s.location);
    this.out.int(BigInt(s.numel));
    this.out.byte(TUPLE, 0x51); // BINPERSID
  }

  /** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`, in `_rebuild_parameter` for a parameter. */
  private torchTensor(original: TorchTensor, depth: number): void {
    const t = this.tensor(original);
    if (t.parameter) {
      this.global("torch._utils", "_rebuild_parameter");
      this.out.byte(MARK);
    }
    this.global("torch._utils", "_rebuild_tensor_v2");
    this.out.byte(MARK);
    this.storage(t.storage);
    this.out.int(BigInt(t.offset));
    this.tuple(t.shape.map(BigInt), depth);
    this.tuple(t.stride.map(BigInt), depth);
    this.out.byte(t.requiresGrad && !t.parameter ? 0x88 : 0x89);
    this.orderedDict();
    this.out.byte(TUPLE, REDUCE);
    if (t.parameter) {
      this.out.byte(t.requiresGrad ? 0x88 : 0x89);
      this.orderedDict();
      this.out.byte(TUPLE, REDUCE);
    }
  }

  /** A placeholder replayed as the instructions that made it. */
  private instance(v: PyInstance, depth: number): void {
    if (v.via === "reconstructor") {
      this.global("copyreg", "_reconstructor");
      this.tuple([v.cls, new PyGlobal("__builtin__", "object"), null], depth);
      this.out.byte(REDUCE);
    } else {
      this.global(v.cls.module, v.cls.name);
      this.tuple(v.args, depth);
      this.out.byte(v.via === "newobj" ? 0x81 : REDUCE);
    }
    this.put(v);
    if (v.listItems.length > 0) this.items(v.listItems, APPENDS, depth);
    if (v.dictItems.length > 0) this.items(v.dictItems.flat(), SETITEMS, depth);
    if (v.state !== undefined) {
      this.write(v.state, depth);
      this.out.byte(BUILD);
    }
  }

  private dict(v: PyDict, depth: number): void {
    if (v.ordered) this.orderedDict();
    else this.out.byte(0x7d); // EMPTY_DICT
    this.put(v);
    this.items([...v.map].flat(), SETITEMS, depth);
    if (v.attrs !== undefined) {
      this.write(v.attrs, depth);
      this.out.byte(BUILD);
    }
  }

  private bytes(v: Uint8Array, depth: number): void {
    // Protocol 2 has no bytes opcode: Python writes _codecs.encode(latin1 text, "latin1").
    let text = "";
    for (let i = 0; i < v.length; i += 8192) text += String.fromCharCode(...v.subarray(i, i + 8192));
    this.global("_codecs", "encode");
    this.tuple([text, "latin1"], depth);
    this.out.byte(REDUCE);
    this.put(v);
  }

  write(v: PyValue, depth: number): void {
    if (depth > MAX_DEPTH)
      throw new ReparamError("PYTORCH_TOO_DEEP", "values nested deeper than this writer follows", {
        expected: `at most ${MAX_DEPTH} levels`,
        found: "more",
      });
    if (v === null) this.out.byte(0x4e);
    else if (typeof v === "boolean") this.out.byte(v ? 0x88 : 0x89);
    else if (typeof v === "bigint") this.out.int(v);
    else if (typeof v === "number") this.out.float(v);
    else if (typeof v === "string") this.out.str(v);
    else if (this.memo.has(v)) {
      this.out.byte(0x6a); // LONG_BINGET
      this.out.u32(this.memo.get(v)!);
    } else if (v instanceof Uint8Array) this.bytes(v, depth + 1);
    else if (v instanceof PyDict) this.dict(v, depth + 1);
    else if (v instanceof PyInstance) this.instance(v, depth + 1);
    else if (Array.isArray(v)) {
      this.out.byte(0x5d); // EMPTY_LIST
      this.put(v);
      this.items(v, APPENDS, depth + 1);
    } else {
      if (v instanceof PyTuple) this.tuple(v.items, depth + 1);
      else if (v instanceof PySet) {
        this.global("__builtin__", v.frozen ? "frozenset" : "set");
        this.out.byte(MARK, 0x5d); // MARK, EMPTY_LIST
        this.items(v.items, APPENDS, depth + 1);
        this.out.byte(TUPLE, REDUCE);
      } else if (v instanceof PyGlobal) this.global(v.module, v.name);
      else if (v instanceof TorchTensor) this.torchTensor(v, depth + 1);
      else if (v instanceof TorchStorage) this.storage(this.bareStorage(v));
      this.put(v);
    }
  }
}

/**
 * Pickles a value (see `PyValue`) with protocol 2, as `torch.save` does:
 * tensors as `torch._utils._rebuild_tensor_v2` with a persistent storage id
 * `('storage', torch.<Type>Storage, key, location, numel)` (parameters
 * wrapped in `_rebuild_parameter`), dicts and OrderedDicts with their
 * attributes, placeholders replayed as the pickle that made them. Objects
 * met twice are memoized, so shared values stay shared.
 *
 * @param tensor - maps each tensor met to the one to write (its storage keyed for the archive).
 * @param storage - the same for a storage met bare, not as a tensor's.
 * @throws ReparamError `PYTORCH_TOO_DEEP`.
 */
export function encodePickle(
  root: PyValue,
  tensor: (t: TorchTensor) => TorchTensor,
  storage: (s: TorchStorage) => TorchStorage = (s) => s,
): Uint8Array {
  const w = new PickleWriter(tensor, storage);
  w.out.byte(0x80, 2); // PROTO 2
  w.write(root, 0);
  w.out.byte(0x2e); // STOP
  return w.out.done();
}
