import type { BackendName } from "./backend-order.js";
import type { Runtime } from "./model-session.js";
import { runtimeFamilies, type RuntimeFamilyName } from "./runtime-families.js";

/** The runtime that runs a runtime family's models on a backend (see {@link runtimeFamilies}). */
export function runtimeFor(family: RuntimeFamilyName, backend: BackendName): Runtime {
  return runtimeFamilies[family].runtime(backend);
}
