import { ReparamError } from "@reparam/core";
import { asItems, badPickle, typeName } from "./_py-check.js";
import { rebuildParameter, rebuildTensor } from "./_rebuild-tensor.js";
import { PyDict, PyGlobal, PyInstance, PySet, PyTuple, type PyValue, TorchTensor } from "./py-value.js";

/** A call the VM performs itself, in TypeScript, on data only. */
type Call = (args: readonly PyValue[], where: string) => PyValue;

function orderedDict(args: readonly PyValue[], where: string): PyDict {
  const d = new PyDict(true);
  if (args.length > 0) {
    for (const pair of asItems(args[0], "OrderedDict items", where)) {
      const [k, v] = asItems(pair, "an OrderedDict item", where);
      d.map.set(k ?? null, v ?? null);
    }
  }
  return d;
}

const set = (frozen: boolean) => (args: readonly PyValue[], where: string) =>
  new PySet(args.length > 0 ? [...asItems(args[0], "set items", where)] : [], frozen);

/** `_rebuild_from_type_v2(func, new_type, args, state)`: a tensor or parameter, rebuilt by an allowed func. */
function fromType(args: readonly PyValue[], where: string): PyValue {
  const [func, type, inner] = args;
  const name = func instanceof PyGlobal ? func.qualified : typeName(func);
  const call = func instanceof PyGlobal ? ALLOWED_CALLS.get(name) : undefined;
  if (call === undefined) throw forbiddenCall(name, where);
  const t = call(asItems(inner, "rebuild arguments", where), where);
  const kind = type instanceof PyGlobal ? type.qualified : typeName(type);
  if (!(t instanceof TorchTensor) || (kind !== "torch.Tensor" && kind !== "torch.nn.parameter.Parameter"))
    throw forbiddenCall(kind, where);
  return kind === "torch.Tensor" ? t : rebuildParameter([t, t.requiresGrad], where);
}

function codecsEncode(args: readonly PyValue[], where: string): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== "string" || (encoding !== "latin1" && encoding !== "latin-1"))
    throw badPickle("_codecs.encode of something other than latin1 text", where, "(str, 'latin1')", typeName(text));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw badPickle("latin1 text with a character over 255", where, "latin1", `U+${c.toString(16)}`);
    out[i] = c;
  }
  return out;
}

/** `copyreg._reconstructor(cls, object, None)`: `object.__new__(cls)` in protocols 0 and 1, here a placeholder. */
function reconstructor(args: readonly PyValue[], where: string): PyInstance {
  const [cls, base, state] = args;
  if (
    !(cls instanceof PyGlobal) ||
    !(base instanceof PyGlobal) ||
    !base.qualified.endsWith(".object") ||
    state !== null
  )
    throw forbiddenCall("copyreg._reconstructor", where);
  return new PyInstance(checkGlobal(cls.module, cls.name, where), [], "reconstructor");
}

/**
 * The only callables a pickle may call, modelled on `torch.load(weights_only=True)`:
 * tensor and parameter rebuilds, `collections.OrderedDict`, `set`,
 * `torch.Size`, `_codecs.encode` (bytes in protocol 2); and
 * `copyreg._reconstructor`, whose result here is an inert placeholder.
 */
export const ALLOWED_CALLS: ReadonlyMap<string, Call> = new Map<string, Call>([
  ["torch._utils._rebuild_tensor_v2", rebuildTensor],
  ["torch._utils._rebuild_tensor", rebuildTensor],
  ["torch._utils._rebuild_parameter", rebuildParameter],
  ["torch._utils._rebuild_parameter_with_state", rebuildParameter],
  ["torch._tensor._rebuild_from_type_v2", fromType],
  ["collections.OrderedDict", orderedDict],
  ["builtins.set", set(false)],
  ["__builtin__.set", set(false)],
  ["builtins.frozenset", set(true)],
  ["__builtin__.frozenset", set(true)],
  ["torch.Size", (args, where) => new PyTuple(args.length > 0 ? asItems(args[0], "torch.Size", where) : [])],
  ["_codecs.encode", codecsEncode],
  ["copyreg._reconstructor", reconstructor],
  ["copy_reg._reconstructor", reconstructor],
]);

/**
 * Calls whose result is plain data that checkpoints often carry (numpy
 * scalars, arrays and dtypes, paths, devices, dates, `defaultdict`s, whose items
 * follow as `SETITEMS`): recorded as inert placeholders with their
 * arguments, never called.
 */
export const INERT_CALLS: ReadonlySet<string> = new Set([
  "collections.defaultdict",
  "numpy.core.multiarray.scalar",
  "numpy.core.multiarray._reconstruct",
  "numpy._core.multiarray._reconstruct",
  "numpy._core.multiarray.scalar",
  "numpy.dtype",
  "pathlib.PosixPath",
  "pathlib.WindowsPath",
  "torch.device",
  "datetime.datetime",
  "datetime.date",
]);

/** Modules no checkpoint needs a global from: naming one is an error even before it is used. */
const FORBIDDEN_MODULES = new Set([
  "os",
  "posix",
  "nt",
  "sys",
  "subprocess",
  "shutil",
  "socket",
  "importlib",
  "runpy",
  "pickle",
  "_pickle",
  "marshal",
  "ctypes",
  "code",
  "codeop",
  "pty",
  "webbrowser",
  "multiprocessing",
  "asyncio",
  "operator",
  "functools",
  "types",
  "inspect",
  "io",
  "tempfile",
  "signal",
  "threading",
  "pdb",
  "bdb",
  "timeit",
  "platform",
  "posixpath",
  "ntpath",
  "glob",
  "commands",
  "popen2",
  "exec",
  "eval",
  "torch.hub",
  "torch.serialization",
]);

/** The builtins a checkpoint may name; any other (`eval`, `exec`, `getattr`, `__import__` ...) is forbidden. */
const ALLOWED_BUILTINS = new Set([
  "set",
  "frozenset",
  "object",
  "list",
  "dict",
  "tuple",
  "int",
  "float",
  "str",
  "bool",
]);

/** An error naming a callable outside the allow-list. */
export function forbiddenCall(name: string, where: string): ReparamError {
  return new ReparamError("PYTORCH_FORBIDDEN_CALL", "the pickle calls something outside the allow-list", {
    where,
    expected: "a tensor rebuild, OrderedDict, set, torch.Size or a class instance",
    found: name,
    hint: "nothing was executed; a checkpoint that needs this call is not a plain checkpoint",
  });
}

/**
 * The global `module.name`, as a name only (nothing is imported), or a
 * `PYTORCH_FORBIDDEN_GLOBAL` error for a module no checkpoint needs.
 */
export function checkGlobal(module: string, name: string, where: string): PyGlobal {
  const root = module.split(".")[0]!;
  const builtin = root === "builtins" || root === "__builtin__";
  if (FORBIDDEN_MODULES.has(root) || FORBIDDEN_MODULES.has(module) || (builtin && !ALLOWED_BUILTINS.has(name))) {
    throw new ReparamError("PYTORCH_FORBIDDEN_GLOBAL", "the pickle names a global no checkpoint needs", {
      where,
      expected: "torch, collections or a model's own classes",
      found: `${module}.${name}`,
      hint: "nothing was executed: this file may be malicious",
    });
  }
  return new PyGlobal(module, name);
}
