import type { TorchDtype } from "../torch-dtype.js";

/**
 * A value a pickle produced, as the restricted VM builds it: nothing in it
 * was ever constructed or called by Python's rules, and nothing in it can
 * run. Python `int` is a `bigint`, `float` a `number`, `str` a `string`,
 * `bytes` a `Uint8Array`, `list` an array, `None` `null`; the classes below
 * stand for the rest.
 */
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyInstance
  | TorchStorage
  | TorchTensor;

/** A Python tuple (arrays are lists). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A `dict` or `collections.OrderedDict`, in insertion order; `attrs` is what `BUILD` gave it (a state dict's `_metadata`). */
export class PyDict {
  readonly map = new Map<PyValue, PyValue>();
  attrs: PyValue | undefined;
  constructor(readonly ordered: boolean) {}
}

/** A `set` or `frozenset`. */
export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** A global named by the pickle (`GLOBAL module name`), never imported: a name only. */
export class PyGlobal {
  /** `module.name`, as Python spells it. */
  readonly qualified: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.qualified = `${module}.${name}`;
  }
}

/**
 * An inert placeholder for an object of a class outside the allow-list
 * (`NEWOBJ`, `copyreg._reconstructor`, or one of the inert data calls such as
 * a numpy scalar): its class name, the arguments it would have had, and what
 * `BUILD`, `APPENDS` and `SETITEMS` gave it. Never constructed, never
 * called: a record of the pickle's instructions, which a writer can replay.
 */
export class PyInstance {
  state: PyValue | undefined;
  readonly listItems: PyValue[] = [];
  readonly dictItems: [PyValue, PyValue][] = [];
  constructor(
    readonly cls: PyGlobal,
    readonly args: readonly PyValue[],
    /** How the pickle made it: `NEWOBJ` (`cls.__new__(cls, *args)`), a recorded call, or `copyreg._reconstructor`. */
    readonly via: "newobj" | "reduce" | "reconstructor",
  ) {}
}

/**
 * A storage named by a persistent id: `('storage', torch.FloatStorage, key,
 * location, numel)`. Its bytes stay in the file; the codec resolves `key` to
 * a byte range once the pickle is read.
 */
export class TorchStorage {
  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly numel: number,
    readonly location: string,
  ) {}
}

/** A tensor: a strided view (offset, shape, stride, in elements) of one storage, which other tensors may share. */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
    /** Rebuilt by `_rebuild_parameter` (an `nn.Parameter`). */
    readonly parameter: boolean,
  ) {}
}
