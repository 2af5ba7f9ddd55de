import { ReparamError } from "@reparam/core";
import { asIndex, badPickle, typeName } from "./pickle/_py-check.js";
import { PyGlobal, PyTuple, type PyValue, TorchStorage } from "./pickle/py-value.js";
import type { PickleHost } from "./pickle/run-pickle.js";
import { dtypeOfStorage } from "./torch-dtype.js";

/** A {@link PickleHost} that turns `torch.save`'s persistent ids into storages, one per key. */
export interface StorageHost extends PickleHost {
  /** Every storage the pickle named, by key, in first-use order. */
  readonly storages: ReadonlyMap<string, TorchStorage>;
}

/**
 * The persistent-id handler of `torch.load`: `('storage', storage_type, key,
 * location, numel)` (the legacy format adds `view_metadata`, which must be
 * None), and the legacy layout's `('module', cls, source_file, source)`,
 * which stands for the class `cls` (its source text is never looked at). A
 * key named twice must name the same dtype and size.
 *
 * @throws ReparamError `PYTORCH_BAD_PICKLE`, `PYTORCH_UNSUPPORTED` (a storage
 *   type this package does not read, a storage view).
 */
export function storageHost(): StorageHost {
  const storages = new Map<string, TorchStorage>();
  return {
    storages,
    persistentLoad(pid: PyValue, where: string) {
      const items = pid instanceof PyTuple ? pid.items : undefined;
      // Legacy files name each module class as ('module', cls, source_file, source): the class (a name), source unread.
      if (items?.[0] === "module" && items.length === 4 && items[1] instanceof PyGlobal) return items[1];
      if (items === undefined || items[0] !== "storage" || (items.length !== 5 && items.length !== 6))
        throw badPickle(
          "a persistent id that is not a storage",
          where,
          "('storage', type, key, location, numel)",
          typeName(pid),
        );
      const [, type, key, location, numelValue, view] = items;
      if (typeof key !== "string" || typeof location !== "string")
        throw badPickle(
          "a storage key or location that is not a string",
          where,
          "str",
          `${typeName(key)}, ${typeName(location)}`,
        );
      const dtype = type instanceof PyGlobal ? dtypeOfStorage(type.module, type.name) : undefined;
      if (dtype === undefined)
        throw new ReparamError("PYTORCH_UNSUPPORTED", "a storage type this package does not read", {
          where: `${where} storage ${JSON.stringify(key)}`,
          expected:
            "torch.FloatStorage, HalfStorage, BFloat16Storage, DoubleStorage, LongStorage and the other plain types",
          found: type instanceof PyGlobal ? type.qualified : typeName(type),
        });
      if (view !== undefined && view !== null)
        throw new ReparamError("PYTORCH_UNSUPPORTED", "a storage view (torch < 0.4)", { where, found: typeName(view) });
      const numel = asIndex(numelValue, "storage size", where);
      const known = storages.get(key);
      if (known === undefined) {
        const s = new TorchStorage(key, dtype, numel, location);
        storages.set(key, s);
        return s;
      }
      if (known.dtype !== dtype || known.numel !== numel)
        throw badPickle(
          "one storage key with two types or sizes",
          where,
          `${known.dtype} x${known.numel}`,
          `${dtype} x${numel}`,
        );
      return known;
    },
  };
}
