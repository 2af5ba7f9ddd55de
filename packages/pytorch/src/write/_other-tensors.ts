import { ReparamError } from "@reparam/core";
import {
  PyDict,
  PyInstance,
  PySet,
  PyTuple,
  type PyValue,
  TorchStorage,
  TorchTensor,
} from "../codec/pickle/py-value.js";

const MAX_DEPTH = 500;

/**
 * Every distinct tensor in `root` outside `skip` (the state dict being
 * replaced), and every storage met bare (not as a tensor's), in the order a
 * pickle would meet them.
 */
export function otherTensors(root: PyValue, skip: PyValue): Array<TorchTensor | TorchStorage> {
  const seen = new Set<object>();
  const out: Array<TorchTensor | TorchStorage> = [];
  const walk = (v: PyValue | undefined, depth: number): void => {
    if (v === null || v === undefined || typeof v !== "object" || v === skip || seen.has(v)) return;
    if (depth > MAX_DEPTH)
      throw new ReparamError("PYTORCH_TOO_DEEP", "values nested deeper than this reader follows", {
        expected: `at most ${MAX_DEPTH} levels`,
        found: "more",
      });
    seen.add(v);
    const d = depth + 1;
    if (v instanceof TorchTensor || v instanceof TorchStorage) out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, d);
    else if (v instanceof PyTuple) for (const x of v.items) walk(x, d);
    else if (v instanceof PySet) for (const x of v.items) walk(x, d);
    else if (v instanceof PyDict) {
      for (const [k, x] of v.map) {
        walk(k, d);
        walk(x, d);
      }
      walk(v.attrs, d);
    } else if (v instanceof PyInstance) {
      for (const x of v.args) walk(x, d);
      for (const x of v.listItems) walk(x, d);
      for (const [k, x] of v.dictItems) {
        walk(k, d);
        walk(x, d);
      }
      walk(v.state, d);
    }
  };
  walk(root, 0);
  return out;
}
