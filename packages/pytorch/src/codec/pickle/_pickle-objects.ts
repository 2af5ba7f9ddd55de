import { ALLOWED_CALLS, INERT_CALLS, checkGlobal, forbiddenCall } from "./allow-list.js";
import { asItems, badPickle, typeName } from "./_py-check.js";
import { PyDict, PyGlobal, PyInstance, PySet, type PyValue, TorchTensor } from "./py-value.js";

/** `REDUCE`: `callable(*args)`, only for the allow-list (performed in TypeScript) or the inert data calls (recorded). */
export function reduce(callable: PyValue, args: PyValue, where: string): PyValue {
  if (!(callable instanceof PyGlobal)) throw forbiddenCall(`a ${typeName(callable)}`, where);
  const items = asItems(args, "call arguments", where);
  const call = ALLOWED_CALLS.get(callable.qualified);
  if (call !== undefined) return call(items, where);
  if (INERT_CALLS.has(callable.qualified)) return new PyInstance(callable, items, "reduce");
  throw forbiddenCall(callable.qualified, where);
}

/** `NEWOBJ`: `cls.__new__(cls, *args)`: containers for the types the VM knows, an inert placeholder otherwise. */
export function newObject(cls: PyValue, args: PyValue, where: string): PyValue {
  if (!(cls instanceof PyGlobal)) throw forbiddenCall(`__new__ of a ${typeName(cls)}`, where);
  const items = asItems(args, "__new__ arguments", where);
  switch (cls.qualified) {
    case "collections.OrderedDict":
      return new PyDict(true);
    case "builtins.set":
    case "__builtin__.set":
      return new PySet([], false);
    default:
      return new PyInstance(checkGlobal(cls.module, cls.name, where), items, "newobj");
  }
}

/** `BUILD`: sets the state of a placeholder or the attributes of a dict; a tensor takes an empty state only. */
export function build(target: PyValue, state: PyValue, where: string): void {
  if (target instanceof PyInstance) {
    target.state = state;
    return;
  }
  if (target instanceof PyDict) {
    target.attrs = state;
    return;
  }
  if (target instanceof TorchTensor && (state === null || (state instanceof PyDict && state.map.size === 0))) return;
  throw badPickle("BUILD of something that takes no state", where, "an object or a dict", typeName(target));
}

/** `SETITEM(S)`: pairs into a dict (or a placeholder of a dict subclass). */
export function setItems(target: PyValue, items: readonly PyValue[], where: string): void {
  if (items.length % 2 !== 0)
    throw badPickle("SETITEMS with an odd count", where, "key, value pairs", `${items.length}`);
  for (let i = 0; i < items.length; i += 2) {
    if (target instanceof PyDict) target.map.set(items[i]!, items[i + 1]!);
    else if (target instanceof PyInstance) target.dictItems.push([items[i]!, items[i + 1]!]);
    else throw badPickle("SETITEMS on something that is not a dict", where, "a dict", typeName(target));
  }
}

/** `APPEND(S)`: items into a list (or a placeholder of a list subclass). */
export function appendItems(target: PyValue, items: readonly PyValue[], where: string): void {
  const list = Array.isArray(target) ? target : target instanceof PyInstance ? target.listItems : undefined;
  if (list !== undefined) for (const item of items) list.push(item);
  else throw badPickle("APPENDS on something that is not a list", where, "a list", typeName(target));
}

/** `ADDITEMS`: items into a set. */
export function addItems(target: PyValue, items: readonly PyValue[], where: string): void {
  if (!(target instanceof PySet))
    throw badPickle("ADDITEMS on something that is not a set", where, "a set", typeName(target));
  for (const item of items) target.items.push(item);
}
