import { ReparamError } from "@reparam/core";
import { PyDict, PyInstance, PySet, type PyValue, TorchTensor } from "../codec/pickle/py-value.js";

/** Deepest module nesting followed. */
const MAX_DEPTH = 200;
/**
 * Most modules walked, a shared one once per place it is reached from (as
 * `state_dict()` walks them): a few kilobytes of pickle sharing each level's
 * module twice would otherwise take 2^depth steps.
 */
const MAX_MODULES = 1 << 16;

function stateOf(module: PyInstance): PyDict | undefined {
  return module.state instanceof PyDict ? module.state : undefined;
}

/** True for a placeholder that looks like an `nn.Module`: its state has `_parameters` and `_modules`. */
export function isModule(v: PyValue | undefined): v is PyInstance {
  const s = v instanceof PyInstance ? stateOf(v) : undefined;
  return s !== undefined && s.map.get("_parameters") instanceof PyDict && s.map.get("_modules") instanceof PyDict;
}

/**
 * The state dict `module.state_dict()` would give, from the placeholder
 * tree of a pickled module: each module's `_parameters`, then its
 * `_buffers` (less `_non_persistent_buffers_set`), then its `_modules`
 * recursively, with dotted names; `None` entries skipped, as torch does.
 *
 * @throws ReparamError `PYTORCH_TOO_DEEP`, `PYTORCH_TOO_LARGE` (more than
 *   65,536 modules), `PYTORCH_BAD_KEY` (a name that is not a string).
 */
export function collectModule(root: PyInstance, where: string): Map<string, TorchTensor> {
  const out = new Map<string, TorchTensor>();
  let walked = 0;
  const walk = (module: PyInstance, prefix: string, depth: number) => {
    if (++walked > MAX_MODULES)
      throw new ReparamError("PYTORCH_TOO_LARGE", "more modules than this reader walks", {
        where: `${where} module ${JSON.stringify(prefix)}`,
        expected: `at most ${MAX_MODULES} modules (a shared one counted once per place)`,
        found: "more",
      });
    if (depth > MAX_DEPTH)
      throw new ReparamError("PYTORCH_TOO_DEEP", "modules nested deeper than this reader follows", {
        where: `${where} module ${JSON.stringify(prefix)}`,
        expected: `at most ${MAX_DEPTH} levels`,
        found: "more",
      });
    const state = stateOf(module)!;
    const skip = state.map.get("_non_persistent_buffers_set");
    const transient = new Set(skip instanceof PySet ? skip.items : []);
    const add = (table: PyValue | undefined, buffers: boolean) => {
      if (!(table instanceof PyDict)) return;
      for (const [name, value] of table.map) {
        if (typeof name !== "string") throw badName(where, prefix, name);
        if (value instanceof TorchTensor && !(buffers && transient.has(name))) out.set(prefix + name, value);
      }
    };
    add(state.map.get("_parameters"), false);
    add(state.map.get("_buffers"), true);
    for (const [name, child] of (state.map.get("_modules") as PyDict).map) {
      if (typeof name !== "string") throw badName(where, prefix, name);
      if (isModule(child)) walk(child, `${prefix}${name}.`, depth + 1);
    }
  };
  walk(root, "", 0);
  return out;
}

function badName(where: string, prefix: string, name: PyValue): ReparamError {
  return new ReparamError("PYTORCH_BAD_KEY", "a module or tensor name that is not a string", {
    where: `${where} module ${JSON.stringify(prefix)}`,
    expected: "str",
    found: typeof name,
  });
}
