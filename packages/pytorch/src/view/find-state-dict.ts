import { ReparamError } from "@reparam/core";
import { typeName } from "../codec/pickle/_py-check.js";
import { PyDict, type PyValue, TorchTensor } from "../codec/pickle/py-value.js";
import type { CheckpointLayout } from "./checkpoint-layout.js";
import { collectModule, isModule } from "./collect-module.js";

/** Keys under which training checkpoints keep the model, in the order they are tried. */
export const MODEL_KEYS = ["state_dict", "model_state_dict", "model", "ema", "net", "module"] as const;

/** The state dict found in a checkpoint, and how it was held. */
export interface FoundStateDict {
  readonly layout: CheckpointLayout;
  /** Key -> tensor, in the checkpoint's order. */
  readonly tensors: ReadonlyMap<string, TorchTensor>;
  /** The pickled dict itself (state-dict and checkpoint layouts), for the writer to keep its type and attributes. */
  readonly dict: PyDict | undefined;
}

/** The tensors of a state dict: a dict whose keys are strings and whose values are all tensors (none: not one). */
function asStateDict(v: PyValue | undefined): Map<string, TorchTensor> | undefined {
  if (!(v instanceof PyDict) || v.map.size === 0) return undefined;
  const out = new Map<string, TorchTensor>();
  for (const [k, t] of v.map) {
    if (typeof k !== "string" || !(t instanceof TorchTensor)) return undefined;
    out.set(k, t);
  }
  return out;
}

function className(v: PyValue): string {
  return (v as { cls: { qualified: string } }).cls.qualified;
}

/**
 * Finds the state dict in a checkpoint's pickled value: the value itself
 * (a dict of tensors); the entry `state_dict`, `model_state_dict`, `model`,
 * `ema`, `net` or `module` of a dict (the first that is a state dict or a
 * module); or a pickled module, whose parameters and buffers are gathered.
 *
 * @throws ReparamError `PYTORCH_NO_STATE_DICT`, and `collectModule`'s errors.
 */
export function findStateDict(root: PyValue, where: string): FoundStateDict {
  const bare = asStateDict(root);
  if (bare !== undefined) return { layout: { kind: "state-dict" }, tensors: bare, dict: root as PyDict };
  if (isModule(root))
    return {
      layout: { kind: "full-model", key: undefined, className: className(root) },
      tensors: collectModule(root, where),
      dict: undefined,
    };
  if (root instanceof PyDict) {
    for (const key of MODEL_KEYS) {
      const v = root.map.get(key);
      const tensors = asStateDict(v);
      const others = [...root.map.keys()].filter((k) => k !== key).map((k) => (typeof k === "string" ? k : String(k)));
      if (tensors !== undefined) return { layout: { kind: "checkpoint", key, others }, tensors, dict: v as PyDict };
      if (isModule(v))
        return {
          layout: { kind: "full-model", key, className: className(v) },
          tensors: collectModule(v, `${where} '${key}'`),
          dict: undefined,
        };
    }
  }
  const keys = root instanceof PyDict ? [...root.map.keys()].slice(0, 20).map(String) : [];
  throw new ReparamError("PYTORCH_NO_STATE_DICT", "no state dict or module in the checkpoint", {
    where,
    expected: `a dict of tensors, a module, or a dict with one under ${MODEL_KEYS.map((k) => `'${k}'`).join(", ")}`,
    found: root instanceof PyDict ? `a dict with keys ${keys.join(", ")}` : `a ${typeName(root)}`,
  });
}
